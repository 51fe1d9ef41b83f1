/**
 * The rooms menu: it lists the rooms this browser holds replicas of, by name; it returns
 * to one (link, secret and todos intact); leaving asks first, then deletes that room's
 * replica databases from OPFS and drops it from the menu — for another room and for the
 * room open in the tab, which moves on to a fresh room. All by keyboard where it counts.
 */
import { mkdirSync } from 'node:fs'
import { type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { addTodo, openFreshRoom, renameRoom, roomIdOf, storedFilesOf, titles } from './helpers.ts'

const SHOTS = 'test-results/screenshots'
const menuButton = (page: Page) => page.getByRole('button', { name: 'Rooms' })
const entries = (page: Page) => page.getByTestId('room-entry')
const entry = (page: Page, room: string) => page.locator(`[data-testid="room-entry"][data-room="${room}"]`)

async function openMenu(page: Page): Promise<void> {
  await menuButton(page).click()
  await expect(menuButton(page)).toHaveAttribute('aria-expanded', 'true')
}

test('lists named rooms, returns to one, and leaving deletes its local replica', async ({ page }) => {
  // Two rooms, each named and holding a todo.
  await openFreshRoom(page)
  await renameRoom(page, 'Groceries')
  await addTodo(page, 'buy milk')
  await expect(titles(page)).toHaveText(['buy milk'])
  const first = roomIdOf(page)
  const firstLink = page.url()

  await openMenu(page)
  await page.getByRole('link', { name: 'New room' }).click()
  await expect(page).not.toHaveURL(firstLink)
  await expect(page.getByPlaceholder('What needs to be done?')).toBeEnabled()
  await renameRoom(page, 'Work')
  await addTodo(page, 'write report')
  await expect(titles(page)).toHaveText(['write report'])
  const second = roomIdOf(page)

  // Both are listed by name, the open one marked as the current page.
  await openMenu(page)
  await expect(entry(page, first)).toContainText('Groceries')
  await expect(entry(page, second)).toContainText('Work')
  await expect(entry(page, second)).toHaveAttribute('aria-current', 'page')
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/rooms-menu.png` })

  // Back to the first: the full link (secret included) and its todos.
  await entry(page, first).getByRole('link', { name: 'Groceries' }).click()
  await expect(page).toHaveURL(firstLink)
  await expect(titles(page)).toHaveText(['buy milk'])
  await expect(page.getByTestId('room-name')).toHaveText('Groceries')
  // Its replica holds events now: it warms up no more, and any scratch file of a warm-up
  // cut short when the tab moved to the second room is removed.
  const firstReplica = /^peerlog-[0-9a-f]+-([0-9a-f]+)\.db$/.exec((await storedFilesOf(page, first))[0]!)![1]
  await expect.poll(() => storedFilesOf(page, `warm-up-${firstReplica}`)).toEqual([])

  // Leave the second (not open here): confirm, then its files are gone from OPFS, with
  // the warm-up's scratch file if its tab went before the warm-up ended (as may have
  // happened above: going back ended the second room's worker), made sure of here.
  const secondFiles = await storedFilesOf(page, second)
  expect(secondFiles).not.toEqual([])
  const scratch = `warm-up-${/^peerlog-[0-9a-f]+-([0-9a-f]+)\.db$/.exec(secondFiles[0]!)![1]}.db`
  await page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('peerlog')
    await dir.getFileHandle(name, { create: true })
  }, scratch)
  expect(await storedFilesOf(page, scratch)).toContain(scratch)
  await openMenu(page)
  await entry(page, second).getByRole('button', { name: 'Leave Work' }).click()
  await expect(page.getByTestId('confirm-leave')).toBeFocused()
  await page.getByTestId('confirm-leave').click()
  await expect(page.getByTestId('rooms-message')).toHaveText(/Left Work: its copy in this browser is deleted/)
  await expect(entry(page, second)).toHaveCount(0)
  expect(await storedFilesOf(page, second)).toEqual([])
  expect(await storedFilesOf(page, scratch)).toEqual([])
  expect(await storedFilesOf(page, first)).not.toEqual([]) // the other room is untouched
  await expect(titles(page)).toHaveText(['buy milk'])

  // Reopening the menu lists only what is stored.
  await page.keyboard.press('Escape')
  await expect(menuButton(page)).toBeFocused()
  await openMenu(page)
  await expect(entry(page, first)).toBeVisible()
  await expect(entry(page, second)).toHaveCount(0)
})

test('leaving the open room moves the tab to a fresh room and deletes the old one (at phone width)', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 })
  await openFreshRoom(page)
  await renameRoom(page, 'Short-lived')
  await addTodo(page, 'gone soon')
  const room = roomIdOf(page)
  expect(await storedFilesOf(page, room)).not.toEqual([])

  // By keyboard: focus the menu button, Enter opens, Tab to Leave, Enter asks, Cancel keeps it.
  await menuButton(page).focus()
  await page.keyboard.press('Enter')
  await expect(entry(page, room)).toHaveAttribute('aria-current', 'page')
  await expect(entry(page, room).getByRole('button', { name: 'Leave Short-lived' })).toBeInViewport()
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
  await entry(page, room).getByRole('button', { name: 'Leave Short-lived' }).focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('confirm-leave')).toBeFocused()
  await page.getByRole('button', { name: 'Cancel' }).press('Enter')
  await expect(entry(page, room).getByRole('button', { name: 'Leave Short-lived' })).toBeFocused()
  await page.keyboard.press('Enter')
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: `${SHOTS}/rooms-menu-phone-confirm.png` })
  await page.getByTestId('confirm-leave').press('Enter')

  await expect(page.getByTestId('rooms-message')).toHaveText(/Left Short-lived: its copy in this browser is deleted/, { timeout: 30_000 })
  expect(roomIdOf(page)).not.toBe(room)
  await expect(page.getByPlaceholder('What needs to be done?')).toBeEnabled()
  await expect(titles(page)).toHaveCount(0)
  await expect(entry(page, room)).toHaveCount(0)
  expect(await storedFilesOf(page, room)).toEqual([])
})
