/** TodoMVC: `Mark all as complete`. */
import { expect, test } from './fixtures.ts'
import { addTodos, expectEvents, item, openFreshRoom } from './helpers.ts'

test.beforeEach(async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'walk the dog', 'write report')
})

test('marks all complete with one event per todo that changes, then all active again', async ({ page }) => {
  const markAll = page.getByLabel('Mark all as complete')
  await item(page, 'walk the dog').getByRole('checkbox').check()
  await expectEvents(page, 7)
  await expect(markAll).not.toBeChecked()

  await markAll.check()
  for (const li of await page.getByTestId('todo-item').all()) await expect(li).toHaveAttribute('class', 'completed')
  await expect(page.getByTestId('todo-count')).toHaveText('0 items left')
  await expectEvents(page, 9) // two changed, one was already complete

  await markAll.uncheck()
  for (const li of await page.getByTestId('todo-item').all()) await expect(li).toHaveAttribute('class', '')
  await expect(page.getByTestId('todo-count')).toHaveText('3 items left')
  await expectEvents(page, 12)
})

test('its state follows the items', async ({ page }) => {
  const markAll = page.getByLabel('Mark all as complete')
  await expect(page.locator('label[for="toggle-all"]')).toHaveText('Mark all as complete')
  for (const title of ['buy milk', 'walk the dog', 'write report']) {
    await expect(markAll).not.toBeChecked()
    await item(page, title).getByRole('checkbox').check()
  }
  await expect(markAll).toBeChecked()
  await item(page, 'buy milk').getByRole('checkbox').uncheck()
  await expect(markAll).not.toBeChecked()
})
