/**
 * TodoMVC: the All / Active / Completed filters. They live in the query (`?filter=`),
 * because the fragment holds the room secret: every filter navigation must keep it.
 */
import { expect, test } from './fixtures.ts'
import { addTodos, item, openFreshRoom, titles } from './helpers.ts'

test.beforeEach(async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'walk the dog', 'write report')
  await item(page, 'walk the dog').getByRole('checkbox').check()
  await expect(page.getByTestId('todo-count')).toHaveText('2 items left')
})

test('each filter shows its todos and is the one marked selected', async ({ page }) => {
  const link = (name: string) => page.getByRole('link', { name, exact: true })
  await expect(link('All')).toHaveClass('selected')
  await expect(link('Active')).toHaveAttribute('class', '')

  await link('Active').click()
  await expect(titles(page)).toHaveText(['buy milk', 'write report'])
  await expect(link('Active')).toHaveClass('selected')
  await expect(link('All')).toHaveAttribute('class', '')

  await link('Completed').click()
  await expect(titles(page)).toHaveText(['walk the dog'])
  await expect(link('Completed')).toHaveClass('selected')

  await link('All').click()
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])
  await expect(link('All')).toHaveClass('selected')
})

test('a todo leaves the Active view once completed; the counter still counts all', async ({ page }) => {
  await page.getByRole('link', { name: 'Active' }).click()
  // click, not check(): check() reads the box again after clicking, and in the Active
  // view the completed item is gone by then, so it waited for it until the test timed out
  // (whenever the re-render beat that read).
  await item(page, 'buy milk').getByRole('checkbox').click()
  await expect(titles(page)).toHaveText(['write report'])
  await expect(page.getByTestId('todo-count')).toHaveText('1 item left')
})

test('Back returns to the previous filter', async ({ page }) => {
  await page.getByRole('link', { name: 'Active' }).click()
  await expect(titles(page)).toHaveText(['buy milk', 'write report'])
  await page.getByRole('link', { name: 'Completed' }).click()
  await expect(titles(page)).toHaveText(['walk the dog'])

  await page.goBack()
  await expect(page.getByRole('link', { name: 'Active' })).toHaveClass('selected')
  await expect(titles(page)).toHaveText(['buy milk', 'write report'])
  await page.goBack()
  await expect(page.getByRole('link', { name: 'All' })).toHaveClass('selected')
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])
  await page.goForward()
  await expect(page.getByRole('link', { name: 'Active' })).toHaveClass('selected')
})

test('filtering keeps the room link: path, secret fragment and other query parameters', async ({ page }) => {
  const room = new URL(page.url())
  // Reopen with another parameter the app reads (a peer id nobody has): it must survive.
  await page.goto(`${room.pathname}?forbid=nobody${room.hash}`)
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])

  await page.getByRole('link', { name: 'Completed' }).click()
  await expect(titles(page)).toHaveText(['walk the dog'])
  const filtered = new URL(page.url())
  expect(filtered.pathname).toBe(room.pathname)
  expect(filtered.hash).toBe(room.hash)
  expect(filtered.searchParams.get('filter')).toBe('completed')
  expect(filtered.searchParams.get('forbid')).toBe('nobody')

  // Reload after filtering lands in the same room, on the same filter.
  await page.reload()
  await expect(page).toHaveURL(filtered.href)
  await expect(titles(page)).toHaveText(['walk the dog'])
  await expect(page.getByRole('link', { name: 'Completed' })).toHaveClass('selected')
  await page.getByRole('link', { name: 'All' }).click()
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])
  const all = new URL(page.url())
  expect(all.hash).toBe(room.hash)
  expect(all.searchParams.has('filter')).toBe(false)
  expect(all.searchParams.get('forbid')).toBe('nobody')
})
