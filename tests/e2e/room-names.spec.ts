/**
 * Names travel in the log: a room's name and each peer's name, set in one browser, show
 * live in another; a peer's colour is the same on both sides (it comes from its replica
 * id); a reloaded peer keeps its name and its room's name.
 */
import { expect, test } from './fixtures.ts'
import { expectPeers, expectSameReplica, openFreshRoom, renameRoom, setOwnName } from './helpers.ts'

test('room and peer names set in one browser show live in the other, and survive a reload', async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage()
  const bob = await (await browser.newContext()).newPage()
  await openFreshRoom(alice)
  await bob.goto(alice.url())
  await expectPeers(alice, 1)
  await expectPeers(bob, 1)
  // Before anyone names themselves, a peer shows as "Peer <id>".
  await expect(bob.getByTestId('peer-name')).toHaveText([/^Peer [0-9a-f]{4}$/])

  // Room name, both ways.
  await renameRoom(alice, 'Trip')
  await expect(bob.getByTestId('room-name')).toHaveText('Trip')
  await renameRoom(bob, 'Road trip')
  await expect(alice.getByTestId('room-name')).toHaveText('Road trip')

  // Peer names, both ways, each with its own colour the same on both sides.
  await setOwnName(alice, 'Alice')
  await setOwnName(bob, 'Bob')
  await expect(bob.getByTestId('peer-name')).toHaveText(['Alice'])
  await expect(alice.getByTestId('peer-name')).toHaveText(['Bob'])
  const swatch = (page: typeof alice, where: string) =>
    page.locator(where).locator('.peer-swatch').first().evaluate((el) => getComputedStyle(el).backgroundColor)
  expect(await swatch(bob, '[data-testid="peer"]')).toBe(await swatch(alice, '.own-peer'))
  expect(await swatch(alice, '[data-testid="peer"]')).toBe(await swatch(bob, '.own-peer'))
  expect(await swatch(alice, '.own-peer')).not.toBe(await swatch(bob, '.own-peer'))

  // Bob renames himself: Alice sees it live.
  await setOwnName(bob, 'Robert')
  await expect(alice.getByTestId('peer-name')).toHaveText(['Robert'])

  // Bob reloads: same replica, his saved name, the room's name; Alice still sees him named.
  const replica = (await bob.getByTestId('replica-id').textContent())!
  await bob.reload()
  await expectSameReplica(bob, replica)
  await expect(bob.getByRole('textbox', { name: 'Your name' })).toHaveValue('Robert')
  await expect(bob.getByTestId('room-name')).toHaveText('Road trip')
  await expectPeers(alice, 1)
  await expect(alice.getByTestId('peer-name')).toHaveText(['Robert'])
  await expect(bob.getByTestId('peer-name')).toHaveText(['Alice'])
})
