/**
 * The share control: the room-link field holds the full link (secret included, equal to
 * the address bar), Copy puts it on the clipboard and says "Copied", and the copied link
 * opened in another browser joins the room.
 */
import { expect, test } from './fixtures.ts'
import { addTodo, expectPeers, openFreshRoom, roomLink, titles } from './helpers.ts'

test('copy the room link, open it in another browser, and join', async ({ browser }) => {
  const aliceContext = await browser.newContext()
  await aliceContext.grantPermissions(['clipboard-read', 'clipboard-write'])
  const alice = await aliceContext.newPage()
  await openFreshRoom(alice)
  await addTodo(alice, 'shared by link')
  expect(await roomLink(alice)).toBe(alice.url())

  await alice.getByRole('button', { name: 'Copy link' }).click()
  await expect(alice.getByTestId('copy-link')).toHaveText('Copied')
  const copied = await alice.evaluate(() => navigator.clipboard.readText())
  expect(copied).toBe(alice.url())

  const bob = await (await browser.newContext()).newPage()
  await bob.goto(copied)
  await expect(titles(bob)).toHaveText(['shared by link'])
  await expectPeers(alice, 1)
  await expectPeers(bob, 1)
  expect(await roomLink(bob)).toBe(copied)
})
