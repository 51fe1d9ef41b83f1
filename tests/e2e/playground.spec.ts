/** Playground: the seed's two examples — LWW registers lose an overwritten value, the event log keeps it. */
import { mkdirSync } from 'node:fs'
import { type Locator, type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { openFreshRoom } from './helpers.ts'

const SHOTS = 'test-results/screenshots'

const row = (page: Page, kind: 'lww' | 'log') => page.getByTestId(`${kind}-row`)
const node = (r: Locator, name: string) => r.locator(`[data-testid="pg-node"][data-node="${name}"]`)
const titles = (n: Locator) => n.getByTestId('pg-todo-title')

async function add(n: Locator, name: string, title: string): Promise<void> {
  const input = n.getByLabel(`New todo on node ${name}`)
  await input.fill(title)
  await input.press('Enter')
  await expect(titles(n).filter({ hasText: title })).toHaveCount(1)
}

async function edit(n: Locator, from: string, to: string): Promise<void> {
  await titles(n).filter({ hasText: from }).dblclick()
  const box = n.getByRole('textbox', { name: 'Edit' })
  await box.fill(to)
  await box.press('Enter')
  await expect(titles(n).filter({ hasText: to })).toHaveCount(1)
}

test('is linked from the room and links back to it', async ({ page }) => {
  await openFreshRoom(page)
  const roomUrl = page.url()
  await page.getByRole('link', { name: /Playground/ }).click()
  await expect(page).toHaveURL(/\/playground$/)
  await expect(page.getByRole('heading', { name: 'LWW vs P2P event log' })).toBeVisible()
  await page.getByRole('link', { name: 'Back to your list' }).click()
  await expect(page).toHaveURL(roomUrl)
  await expect(page.getByPlaceholder('What needs to be done?')).toBeEnabled()
})

test('Sync nodes converges both rows; LWW drops the overwritten title, the log keeps it', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto('/playground')
  for (const kind of ['lww', 'log'] as const) {
    const r = row(page, kind)
    const [a, b, c] = ['A', 'B', 'C'].map((n) => node(r, n)) as [Locator, Locator, Locator]
    await add(a, 'A', 'buy milk')
    await add(b, 'B', 'walk the dog')
    await expect(titles(c)).toHaveCount(0)
    await r.getByRole('button', { name: 'Sync nodes' }).click()
    for (const n of [a, b, c]) await expect(titles(n)).toHaveCount(2)

    // B goes offline; A and B both retitle the same todo; only A and C sync.
    await b.getByLabel('Offline').check()
    await edit(a, 'buy milk', 'buy oat milk')
    await edit(b, 'buy milk', 'buy soy milk')
    await r.getByRole('button', { name: 'Sync nodes' }).click()
    await expect(r.getByTestId('pg-sync-status')).toHaveText('Synced A and C. (B is offline.)')
    await expect(titles(c).filter({ hasText: 'buy oat milk' })).toHaveCount(1)
    await expect(titles(b).filter({ hasText: 'buy soy milk' })).toHaveCount(1)

    // B back online: all three converge.
    await b.getByLabel('Offline').uncheck()
    await r.getByRole('button', { name: 'Sync nodes' }).click()
    await expect(r.getByTestId('pg-sync-status')).toHaveText('Synced A, B and C.')
    const converged = await titles(a).allTextContents()
    expect(converged).toHaveLength(2)
    for (const n of [b, c]) await expect(titles(n)).toHaveText(converged)
  }

  // LWW: equal clocks (2), the bigger value won; "buy oat milk" is gone from every node.
  for (const name of ['A', 'B', 'C']) {
    const state = node(row(page, 'lww'), name).getByTestId('lww-state')
    await expect(state.getByTestId('lww-state-row').first().locator('td').first()).toHaveText('buy soy milk · 2')
    await expect(state).not.toContainText('buy oat milk')
  }
  // Log: every node holds all six events, both retitles included.
  for (const name of ['A', 'B', 'C']) {
    const state = node(row(page, 'log'), name).getByTestId('log-state')
    await expect(state.getByTestId('log-state-row')).toHaveCount(6)
    await expect(state).toContainText('"buy oat milk"')
    await expect(state).toContainText('"buy soy milk"')
    await expect(state).toContainText('"buy milk"')
  }

  // Leave B offline with a local toggle so the screenshot shows a diverged node too.
  const lwwB = node(row(page, 'lww'), 'B')
  await lwwB.getByLabel('Offline').check()
  await lwwB.getByRole('checkbox', { name: 'Completed: walk the dog' }).check()
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/playground.png`, fullPage: true })
})

test.describe('at phone width', () => {
  test.use({ viewport: { width: 375, height: 740 } })

  test('the nodes stack and nothing overflows sideways', async ({ page }) => {
    await page.goto('/playground')
    const [a, b] = [node(row(page, 'lww'), 'A'), node(row(page, 'lww'), 'B')]
    const [boxA, boxB] = [await a.boundingBox(), await b.boundingBox()]
    expect(boxB!.y).toBeGreaterThan(boxA!.y + boxA!.height - 1)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBe(0)
  })
})
