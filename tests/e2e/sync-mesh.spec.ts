/**
 * Sync across real tabs and browsers: a partial WebRTC mesh converging through its middle
 * peer, a 10k-event catch-up with a visible progress bar, and same-browser tabs that keep
 * syncing over BroadcastChannel once the signaling server is gone.
 */
import { type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { fileURLToPath } from 'node:url'
import { startSignalingServer } from '../../signaling/server.ts'
import { addTodo, expectPeers, titles, withParams } from './helpers.ts'

const dist = fileURLToPath(new URL('../../dist', import.meta.url))

test('three browsers converge through B when the A–C link is forbidden', async ({ browser }) => {
  const open = async () => (await browser.newContext()).newPage()
  const [a, b, c] = [await open(), await open(), await open()]
  await a.goto('/?peer=aaaa')
  await expect(a).toHaveURL(/\/r\//)
  const link = a.url()
  await a.goto(withParams(link, { peer: 'aaaa', forbid: 'cccc' }))
  await b.goto(withParams(link, { peer: 'bbbb' }))
  await c.goto(withParams(link, { peer: 'cccc', forbid: 'aaaa' }))
  await expectPeers(b, 2)
  await expectPeers(a, 1)
  await expectPeers(c, 1)

  await addTodo(a, 'from a')
  await expect(titles(c)).toHaveText(['from a'])
  await addTodo(c, 'from c')
  await expect(titles(a)).toHaveText(['from a', 'from c'])
  await expect(titles(b)).toHaveText(['from a', 'from c'])
  // A lists C as reachable, but only through other peers; B reaches both directly.
  await expect(a.getByTestId('peer')).toHaveText([/bbbb.*via WebRTC/, /cccc.*relayed/])
  // …and names it: presence frames carry the replica, whose name is in the log.
  const cReplica = (await c.getByTestId('replica-id').textContent())!
  await expect(a.locator('[data-testid="peer"][data-via="relayed"]')).toHaveAttribute('data-replica', cReplica)
  await expect(a.locator('[data-testid="peer"][data-via="relayed"]')).toHaveText(/cccc/)
  await expect(b.locator('[data-testid="peer"][data-via="relayed"]')).toHaveCount(0)
})

test('a fresh browser catches up on 10k events with a moving progress bar', async ({ browser }) => {
  test.setTimeout(240_000) // 10k events written twice to OPFS; minutes on a loaded 2-core machine
  const a = await (await browser.newContext()).newPage()
  await a.goto('/')
  await expect(a.getByPlaceholder('What needs to be done?')).toBeEnabled()
  await a.evaluate(() => (window as unknown as { peerlogDebug: { generate(n: number): void } }).peerlogDebug.generate(10_000))
  await expect(a.getByTestId('event-count')).toHaveText('10000', { timeout: 90_000 })

  const b = await (await browser.newContext()).newPage()
  const logged: string[] = []
  b.on('console', (m) => logged.push(m.text()))
  const seen: number[] = []
  const removed: string[] = []
  const inView: boolean[] = []
  await b.exposeFunction('reportProgress', (v: number, shown: boolean) => {
    seen.push(v)
    inView.push(shown)
  })
  await b.exposeFunction('reportRemoved', (title: string) => removed.push(title))
  await b.addInitScript(() => {
    // Record every value the progress bar shows, however briefly, and whether it is in
    // the window then, and every row taken out of the list: a catch-up only appends
    // todos, so no row should ever leave.
    const w = window as unknown as { reportProgress(v: number, inView: boolean): void; reportRemoved(t: string): void }
    new MutationObserver((records) => {
      const bar = document.querySelector('[data-testid="sync-progress"]') as HTMLProgressElement | null
      if (bar) {
        const r = bar.getBoundingClientRect()
        w.reportProgress(bar.value, r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth)
      }
      for (const r of records)
        for (const n of r.removedNodes) if (n instanceof HTMLElement && n.dataset.testid === 'todo-item') w.reportRemoved(n.textContent ?? '')
    }).observe(document, { subtree: true, childList: true, attributes: true })
  })
  await b.goto(a.url())
  await expect(b.getByTestId('event-count')).toHaveText('10000', { timeout: 90_000 })
  // 2,500 todos (every third completed): the first 200 and the newest 20 rendered, all counted.
  // Rows mount 3 per animation frame (TodoList.vue): ~70 frames, which a loaded CI machine
  // drawing two browsers has taken over 15 s to give.
  await expect(titles(b)).toHaveCount(220, { timeout: 60_000 })
  await expect(b.getByTestId('show-more')).toHaveText('Show 200 more (2280 not shown)')
  await expect(b.getByTestId('todo-count')).toHaveText('1666 items left')
  // During the catch-up B's UI held only the first page of todos; the rest came at its end.
  await expect(titles(b).last()).toHaveText('generated 2499')
  // The catch-up's end comes with (not before) the snapshot of its last events, so the
  // newest rows, drawn once it is over, are drawn once and not replaced.
  expect(removed, 'rows removed from the list').toEqual([])
  const hashOf = (p: Page) => p.evaluate(() => document.querySelector('[data-testid="state-hash"]')?.getAttribute('title') ?? '')
  // The snapshot that ends the catch-up carries the state hash (worker/state-hash-pace.ts).
  expect(await hashOf(b)).toMatch(/^[0-9a-f]{64}$/)
  expect(await hashOf(b)).toBe(await hashOf(a))
  // The catch-up's frames went to B's log worker on the sync channel it was handed
  // (worker/worker-channels.ts), not through its UI thread.
  expect(logged.filter((t) => t.includes('cannot be transferred'))).toEqual([])
  // Moving: shown at 0 when the catch-up is announced, then at one value or more on the
  // way to 10k. It advances per stored batch, and the first holds at most 1024 events (the
  // stream's window opens small: shared/sync/sync-engine.ts, "Flow control").
  const distinct = new Set(seen.filter((v) => v < 10_000))
  expect(distinct.has(0), `progress values seen: ${seen.join(', ')}`).toBe(true)
  expect(distinct.size, `progress values seen: ${[...distinct].join(', ')}`).toBeGreaterThanOrEqual(2)
  // In sight the whole time, however long the list under it has grown.
  expect(inView.length).toBeGreaterThan(0)
  expect(inView.every(Boolean), `in the window, per value seen: ${inView.join(', ')}`).toBe(true)
})

test('two tabs of one browser keep syncing over BroadcastChannel with the server stopped', async ({ browser }) => {
  const server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dist })
  const context = await browser.newContext({ baseURL: server.url })
  const one = await context.newPage()
  await one.goto('/')
  await expect(one).toHaveURL(/\/r\//)
  const two = await context.newPage()
  await two.goto(one.url())
  await expect(two.getByTestId('peer')).toHaveAttribute('data-via', 'broadcast')
  await expect(one.getByTestId('replica-id')).not.toHaveText(await two.getByTestId('replica-id').textContent() ?? '')

  await server.close()
  await expect(one.getByTestId('signaling-status')).not.toHaveText('online')
  await addTodo(one, 'no server needed')
  await expect(titles(two)).toHaveText(['no server needed'])
  await addTodo(two, 'still syncing')
  await expect(titles(one)).toHaveText(['no server needed', 'still syncing'])
  await context.close()
})
