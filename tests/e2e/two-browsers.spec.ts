/**
 * The walking skeleton end to end: two separate browser contexts (two "browsers", each
 * with its own OPFS) share a room over real WebRTC, found through the real signaling
 * server, and keep their replicas in wa-sqlite on OPFS across reloads.
 */
import { type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { addTodo, expectPeers, item, titles, withParams } from './helpers.ts'

test('two browsers share a todo list live and keep it across reloads', async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage()
  const bob = await (await browser.newContext()).newPage()

  await alice.goto('/')
  await expect(alice).toHaveURL(/\/r\/[0-9a-f]{32}#[0-9a-f]{32}$/)
  await expect(alice.getByTestId('signaling-status')).toHaveText('online')
  await expect(titles(alice)).toHaveCount(0)
  const link = alice.url()

  await bob.goto(link)
  await expectPeers(alice, 1)
  await expectPeers(bob, 1)

  // Each waits to see the other's todo before adding: concurrent creations would be
  // ordered by event id, and this test is about a known order.
  await addTodo(alice, 'buy milk')
  await expect(titles(bob)).toHaveText(['buy milk'])
  await addTodo(bob, 'walk the dog')
  await expect(titles(alice)).toHaveText(['buy milk', 'walk the dog'])
  await addTodo(alice, 'write report')
  for (const page of [alice, bob]) {
    await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])
  }

  // Each edits and toggles one of the other's todos.
  await item(alice, 'walk the dog').getByRole('checkbox').check()
  await item(bob, 'buy milk').getByTestId('todo-title').dblclick()
  await bob.getByRole('textbox', { name: 'Edit' }).fill('buy oat milk')
  await bob.getByRole('textbox', { name: 'Edit' }).press('Enter')
  for (const page of [alice, bob]) {
    await expect(titles(page)).toHaveText(['buy oat milk', 'walk the dog', 'write report'])
    await expect(item(page, 'walk the dog')).toHaveClass('completed')
    await expect(page.getByTestId('todo-count')).toHaveText('2 items left')
  }

  // Bob reloads: his replica comes back from OPFS, and he catches up on an edit made
  // while he was away.
  const bobReplica = await bob.getByTestId('replica-id').textContent()
  const reloading = bob.reload()
  await item(alice, 'write report').getByRole('checkbox').check()
  await reloading
  await expect(titles(bob)).toHaveText(['buy oat milk', 'walk the dog', 'write report'])
  await expect(bob.getByTestId('replica-id')).toHaveText(bobReplica!) // the same replica, not a new one
  await expectPeers(bob, 1)
  await expect(item(bob, 'write report')).toHaveClass('completed')
  await expect(bob.getByTestId('todo-count')).toHaveText('1 item left')
})

test('a browser whose sync frames pass through its UI thread syncs with one whose worker holds them', async ({ browser }) => {
  test.setTimeout(120_000)
  // Alice's tab keeps each link's sync channel on its UI thread, as a browser that cannot
  // transfer data channels does (worker/worker-channels.ts); Bob's hands his to his log
  // worker. Each receives on both channels and sends on the one it holds.
  const alice = await (await browser.newContext()).newPage()
  await alice.goto('/')
  await expect(alice).toHaveURL(/\/r\/[0-9a-f]{32}#[0-9a-f]{32}$/)
  const link = alice.url()
  await alice.goto(withParams(link, { 'sync-channel': 'ui' }))
  await expect(alice.getByPlaceholder('What needs to be done?')).toBeEnabled()
  await alice.evaluate(() => (window as unknown as { peerlogDebug: { generate(n: number): void } }).peerlogDebug.generate(2_000))
  await expect(alice.getByTestId('event-count')).toHaveText('2000', { timeout: 60_000 })

  const bob = await (await browser.newContext()).newPage()
  await bob.goto(link)
  await expect(bob.getByTestId('event-count')).toHaveText('2000', { timeout: 60_000 }) // a streamed catch-up, Alice to Bob
  await expectPeers(alice, 1)
  await expectPeers(bob, 1)
  const hashOf = (p: Page) => p.evaluate(() => document.querySelector('[data-testid="state-hash"]')?.getAttribute('title') ?? '')
  await expect.poll(() => hashOf(bob)).toBe(await hashOf(alice))

  await addTodo(bob, 'from the worker side')
  await expect(alice.getByTestId('event-count')).toHaveText('2002')
  await addTodo(alice, 'from the UI-thread side')
  await expect(bob.getByTestId('event-count')).toHaveText('2004')
  await expect(titles(bob).last()).toHaveText('from the UI-thread side')
  await expect.poll(() => hashOf(bob)).toBe(await hashOf(alice))
})

test('a closed and reopened room shows its todos with no peer and no server', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto('/')
  await expect(page).toHaveURL(/\/r\//)
  await addTodo(page, 'offline first')
  await item(page, 'offline first').getByRole('checkbox').check()
  await expect(page.getByTestId('event-count')).toHaveText('3')
  const url = new URL(page.url())
  await page.close()

  // A new tab of the same browser, pointed at a dead signaling server: it adopts the
  // stored replica nobody holds and shows it from OPFS alone.
  const again = await context.newPage()
  await again.goto(`${url.pathname}?signaling=ws://127.0.0.1:9${url.hash}`)
  await expect(titles(again)).toHaveText(['offline first'])
  await expect(item(again, 'offline first')).toHaveClass('completed')
  await expect(again.getByTestId('signaling-status')).not.toHaveText('online')
})
