/** DAG view: the log drawn live as SVG, heads highlighted, windowed so 10k events stay responsive. */
import { mkdirSync } from 'node:fs'
import { expect, test } from './fixtures.ts'
import { addTodo, addTodos, expectEvents, expectPeers, forkedPair, item, openFreshRoom, titles } from './helpers.ts'

const SHOTS = 'test-results/screenshots'

test('shows a node per event, live, with the head highlighted and a tooltip per node', async ({ page }) => {
  await openFreshRoom(page)
  const dag = page.getByRole('region', { name: 'Event DAG' })
  await expect(dag.getByTestId('dag-summary')).toHaveText('No events yet.')
  await addTodos(page, 'buy milk', 'walk the dog')
  await expectEvents(page, 4)
  await expect(dag.getByTestId('dag-node')).toHaveCount(4)
  await expect(dag.getByTestId('dag-head')).toHaveCount(1)
  await item(page, 'buy milk').getByRole('checkbox').check()
  await expect(dag.getByTestId('dag-node')).toHaveCount(5)
  await expect(dag.getByTestId('dag-head')).toHaveCount(1)
  const newest = dag.getByTestId('dag-node').last()
  await expect(newest.locator('title')).toHaveText(/^complete true by [0-9a-f]{8} \(lamport 5\) · head$/)
  await expect(newest.getByTestId('dag-head')).toHaveCount(1)
  // Keyboard: focus the drawing, Down selects the newest event and announces it.
  await dag.getByRole('group', { name: /Event DAG/ }).focus()
  await page.keyboard.press('ArrowDown')
  await expect(dag.getByTestId('dag-detail')).toContainText('complete true by')
})

test('a fork shows two heads and a second lane; the next edit merges them', async ({ browser }) => {
  const { alice, bob, relink } = await forkedPair(browser, 'buy milk')
  await item(alice, 'buy milk').getByRole('checkbox').check()
  await addTodo(bob, 'walk the dog')
  await expect(titles(bob)).toHaveText(['buy milk', 'walk the dog'])
  await expectEvents(bob, 4) // stored before Bob's page goes away
  await relink()
  await expectPeers(alice, 1)
  await expectEvents(alice, 5)

  const dag = alice.getByRole('region', { name: 'Event DAG' })
  await expect(dag.getByTestId('dag-node')).toHaveCount(5)
  await expect(dag.getByTestId('dag-head')).toHaveCount(2)
  await expect(dag.locator('[data-testid="dag-node"][data-lane="1"]')).not.toHaveCount(0)

  await addTodo(alice, 'write report')
  await expectEvents(alice, 7)
  await expect(dag.getByTestId('dag-node')).toHaveCount(7)
  await expect(dag.getByTestId('dag-head')).toHaveCount(1)
  await expect(dag.locator('.dag-edge-merge')).toHaveCount(1)

  // The room screen with its panels, for people to look at.
  await item(alice, 'buy milk').getByRole('checkbox').uncheck()
  await alice.getByRole('region', { name: 'History' }).getByLabel('History of').selectOption({ label: 'buy milk' })
  await expect(alice.getByTestId('history-entry')).toHaveCount(4)
  await alice.getByRole('radio', { name: 'churn', exact: true }).check()
  await expect(alice.getByTestId('churn-row')).toHaveCount(1)
  await expect(dag.getByTestId('dag-node')).toHaveCount(8)
  mkdirSync(SHOTS, { recursive: true })
  await alice.screenshot({ path: `${SHOTS}/room-panels.png`, fullPage: true })
})

test('at 10k events it draws a window of 200, pages back, and the tab stays responsive', async ({ page }) => {
  test.setTimeout(180_000)
  await openFreshRoom(page)
  await page.evaluate(() => (window as unknown as { peerlogDebug: { generate(n: number): void } }).peerlogDebug.generate(10_000))
  // Generating 10k events in the worker takes a while on a busy machine.
  await expect(page.getByTestId('event-count')).toHaveText('10000', { timeout: 120_000 })
  const dag = page.getByRole('region', { name: 'Event DAG' })
  await expect(dag.getByTestId('dag-summary')).toHaveText('Showing the newest 200 of 10000 events; 1 head here.')
  await expect(dag.getByTestId('dag-node')).toHaveCount(200)
  await expect(dag.getByTestId('dag-head')).toHaveCount(1)

  await dag.getByRole('button', { name: 'Older' }).click()
  await expect(dag.getByTestId('dag-summary')).toHaveText('Showing 200 older of 10000 events; 0 heads here.')
  await expect(dag.getByTestId('dag-node')).toHaveCount(200)
  await dag.getByRole('button', { name: 'Newer' }).click()
  await expect(dag.getByTestId('dag-head')).toHaveCount(1)

  // Still responsive: typing a todo lands at once and the drawing stays capped.
  await addTodo(page, 'after the flood')
  await expect(item(page, 'after the flood')).toHaveCount(1)
  await expectEvents(page, 10_002)
  await expect(dag.getByTestId('dag-node')).toHaveCount(200)
})
