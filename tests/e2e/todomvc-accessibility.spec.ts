/**
 * Accessibility and phone width: every control labelled and reachable by keyboard with
 * a visible focus ring; a 375 px wide screen without sideways scrolling. Saves the
 * main-screen screenshots (test-results/screenshots/) to look at: a named room, a named
 * user and (at desktop width) a named peer in the people list.
 */
import { mkdirSync } from 'node:fs'
import { type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { addTodos, expectPeers, item, openFreshRoom, renameRoom, setOwnName } from './helpers.ts'

const SHOTS = 'test-results/screenshots'

async function fillMainScreen(page: Page): Promise<void> {
  await openFreshRoom(page)
  await addTodos(page, 'buy oat milk', 'walk the dog', 'write the quarterly report', 'call the plumber')
  await item(page, 'walk the dog').getByRole('checkbox').check()
  for (const [title, list] of [['buy oat milk', 'home'], ['write the quarterly report', 'work']] as const) {
    await item(page, title).getByRole('button', { name: 'Add to a list' }).click()
    await page.getByRole('combobox', { name: 'List' }).fill(list)
    await page.getByRole('combobox', { name: 'List' }).press('Enter')
    await expect(item(page, title).getByTestId('todo-list-tag')).toHaveText(list)
  }
  await renameRoom(page, 'Home & work')
  await setOwnName(page, 'Alice')
  await expect(page.getByTestId('signaling-status')).toHaveText('online')
  await page.getByPlaceholder('What needs to be done?').focus()
}

/** The status line (the share control and the rooms menu have live regions of their own). */
const statusLine = (page: Page) => page.getByRole('status').filter({ hasText: 'Server:' })

const focusRing = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const ring = (e: Element) => getComputedStyle(e).boxShadow !== 'none' || getComputedStyle(e).outlineStyle !== 'none'
    // The toggles are invisible inputs; their label (the next sibling) draws the ring.
    return ring(el) || (el.nextElementSibling !== null && ring(el.nextElementSibling))
  })

test('every control is reached by Tab, named, and shows its focus', async ({ page }) => {
  await fillMainScreen(page)
  const expected: [role: Parameters<Page['getByRole']>[0], name: string][] = [
    ['checkbox', 'Mark all as complete'],
    ['checkbox', 'Toggle Todo'],
  ]
  for (const [role, name] of expected) {
    await page.keyboard.press('Tab')
    await expect(page.getByRole(role, { name }).first()).toBeFocused()
    expect(await focusRing(page)).toBe(true)
  }
  // Title (Enter edits it), list tag, Delete: all in the first row.
  const first = item(page, 'buy oat milk')
  await page.keyboard.press('Tab')
  await expect(first.getByTestId('todo-title')).toBeFocused()
  expect(await focusRing(page)).toBe(true)
  await page.keyboard.press('Tab')
  await expect(first.getByRole('button', { name: 'List: home' })).toBeFocused()
  expect(await focusRing(page)).toBe(true)
  await page.keyboard.press('Tab')
  await expect(first.getByRole('button', { name: 'Delete' })).toBeFocused()
  await expect(first.getByRole('button', { name: 'Delete' })).toBeVisible()
  expect(await focusRing(page)).toBe(true)

  // Space on a focused toggle completes the todo.
  await page.keyboard.press('Tab')
  await expect(item(page, 'walk the dog').getByRole('checkbox')).toBeFocused()
  await page.keyboard.press('Space')
  await expect(item(page, 'walk the dog')).toHaveAttribute('class', '')

  // The footer's links and button are reachable too.
  await page.getByRole('link', { name: 'All' }).focus()
  await page.keyboard.press('Tab')
  await expect(page.getByRole('link', { name: 'Active' })).toBeFocused()
  expect(await focusRing(page)).toBe(true)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('link', { name: 'Active' })).toHaveClass('selected')
})

test('main screen screenshot', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1024, height: 720 })
  await fillMainScreen(page)
  // A second browser in the room, named, so the people list shows a peer.
  const bob = await (await browser.newContext()).newPage()
  await bob.goto(page.url())
  await setOwnName(bob, 'Bob')
  await expectPeers(page, 1)
  await expect(page.getByTestId('peer-name')).toHaveText(['Bob'])
  await page.getByPlaceholder('What needs to be done?').focus()
  await expect(statusLine(page)).toBeVisible()
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/main.png`, fullPage: true })
})

test.describe('at phone width', () => {
  test.use({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })

  test('fits the screen, shows delete and list controls without hover, and saves a screenshot', async ({ page }) => {
    await fillMainScreen(page)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBe(0)
    const row = item(page, 'call the plumber')
    await expect(row.getByRole('button', { name: 'Delete' })).toBeVisible()
    await expect(row.getByRole('button', { name: 'Add to a list' })).toBeVisible()
    for (const name of ['All', 'Active', 'Completed']) await expect(page.getByRole('link', { name })).toBeInViewport()
    await expect(page.getByRole('button', { name: 'Clear completed' })).toBeInViewport()
    await expect(statusLine(page)).toBeVisible()
    await expect(page.getByRole('button', { name: 'Rooms' })).toBeInViewport()
    await expect(page.getByTestId('copy-link')).toBeVisible()
    mkdirSync(SHOTS, { recursive: true })
    await page.screenshot({ path: `${SHOTS}/main-phone.png`, fullPage: true })

    // A tap on the delete button works without hover.
    await row.getByRole('button', { name: 'Delete' }).tap()
    await expect(row).toHaveCount(0)
  })
})
