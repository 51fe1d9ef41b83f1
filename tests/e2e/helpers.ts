import { type Browser, type Page, expect } from '@playwright/test'

export async function addTodo(page: Page, title: string): Promise<void> {
  const input = page.getByPlaceholder('What needs to be done?')
  await expect(input).toBeEnabled()
  await input.fill(title)
  await input.press('Enter')
}

export const titles = (page: Page) => page.getByTestId('todo-title')

export async function expectPeers(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('peer-count')).toHaveText(String(n))
}

/** A room link with test settings (`?peer=`, `?forbid=`, `?max-links=`, …), relative to the app. */
export function withParams(link: string, params: Record<string, string>): string {
  const url = new URL(link)
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v)
  return `${url.pathname}${url.search}${url.hash}`
}

export function item(page: Page, title: string) {
  return page.getByTestId('todo-item').filter({ has: page.getByTestId('todo-title').getByText(title, { exact: true }) })
}

/** Opens `/` (a fresh room) and waits until the new-todo input takes text. */
export async function openFreshRoom(page: Page): Promise<void> {
  await page.goto('/')
  await expect(page).toHaveURL(/\/r\/[0-9a-f]{32}#[0-9a-f]{32}$/)
  await expect(page.getByPlaceholder('What needs to be done?')).toBeEnabled()
}

/** Adds each title in turn to a room that has no todos yet, and waits until all are listed. */
export async function addTodos(page: Page, ...todoTitles: string[]): Promise<void> {
  for (const t of todoTitles) await addTodo(page, t)
  await expect(titles(page)).toHaveText(todoTitles)
}

/** The number of events in the local log, as the status line shows it. */
export async function expectEvents(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('event-count')).toHaveText(String(n))
}

/**
 * After a navigation, waits until the tab has its own replica back. A reloaded tab waits
 * (up to 20 s) for the previous page's worker to release the replica's lock; on a loaded
 * machine that teardown alone can outlast a default expect timeout.
 */
export async function expectSameReplica(page: Page, replica: string): Promise<void> {
  await expect(page.getByTestId('replica-id')).toHaveText(replica, { timeout: 30_000 })
}

/**
 * Two browsers in one fresh room, each holding Alice's todo `first`, then Bob re-opened
 * behind a `forbid` so that the two edit without seeing each other (a fork). `relink()`
 * re-opens Bob without the forbid and waits until he holds his replica again.
 *
 * Fixed peer ids so that Bob can refuse Alice; a new one for each of Bob's pages, so
 * Alice never waits for a stale link to close before linking to his next page.
 */
export async function forkedPair(
  browser: Browser,
  first: string,
): Promise<{ alice: Page; bob: Page; relink(): Promise<void> }> {
  const alice = await (await browser.newContext()).newPage()
  const bob = await (await browser.newContext()).newPage()
  await alice.setViewportSize({ width: 1024, height: 900 })
  await alice.goto('/')
  await expect(alice).toHaveURL(/\/r\//)
  const url = new URL(alice.url())
  const link = (params: string) => `${url.pathname}?${params}${url.hash}`
  await alice.goto(link('peer=aaaa'))
  await bob.goto(link('peer=bbb1'))
  await expectPeers(alice, 1)
  await addTodo(alice, first)
  await expect(titles(bob)).toHaveText([first])

  const bobReplica = (await bob.getByTestId('replica-id').textContent())!
  await bob.goto(link('peer=bbb2&forbid=aaaa'))
  await expectSameReplica(bob, bobReplica)
  await expect(titles(bob)).toHaveText([first])
  await expectPeers(alice, 0)
  return {
    alice,
    bob,
    async relink() {
      await bob.goto(link('peer=bbb3'))
      await expectSameReplica(bob, bobReplica)
    },
  }
}
/** Names the room from its header (Rename, type, Enter) and waits until the header shows it. */
export async function renameRoom(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Rename room' }).click()
  await page.getByRole('textbox', { name: 'Room name' }).fill(name)
  await page.getByRole('textbox', { name: 'Room name' }).press('Enter')
  await expect(page.getByTestId('room-name')).toHaveText(name)
}

/** Sets the user's own name (saved in this browser, written into the room's log). */
export async function setOwnName(page: Page, name: string): Promise<void> {
  const field = page.getByRole('textbox', { name: 'Your name' })
  await expect(page.getByTestId('replica-id')).toHaveText(/^[0-9a-f]{32}$/) // the replica is open
  await field.fill(name)
  await field.press('Enter')
}

/** The room's full link as the share control shows it. */
export async function roomLink(page: Page): Promise<string> {
  const field = page.getByTestId('room-link')
  await expect(field).toHaveValue(/\/r\/[0-9a-f]{32}#[0-9a-f]{32}$/)
  return field.inputValue()
}

/** Database files of `room` in this browser's OPFS (the log worker's peerlog/ directory). */
export function storedFilesOf(page: Page, room: string): Promise<string[]> {
  return page.evaluate(async (r) => {
    const root = await navigator.storage.getDirectory()
    let dir: FileSystemDirectoryHandle
    try {
      dir = await root.getDirectoryHandle('peerlog')
    } catch {
      return [] // no database was ever created
    }
    const names: string[] = []
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) if (name.includes(r)) names.push(name)
    return names.sort()
  }, room)
}

/** The room id in a page's URL. */
export const roomIdOf = (page: Page): string => /\/r\/([0-9a-f]{32})/.exec(page.url())![1]!
