/** TodoMVC: an item — its class, its checkbox, its delete button. */
import { expect, test } from './fixtures.ts'
import { addTodos, expectEvents, item, openFreshRoom, titles } from './helpers.ts'

test.beforeEach(async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'walk the dog')
})

test('the class attribute is exactly "completed" when done and empty otherwise', async ({ page }) => {
  const milk = item(page, 'buy milk')
  await expect(milk).toHaveAttribute('class', '')
  await milk.getByRole('checkbox').check()
  await expect(milk).toHaveAttribute('class', 'completed')
  await expect(milk.getByRole('checkbox')).toBeChecked()
  await expect(item(page, 'walk the dog')).toHaveAttribute('class', '')
  await milk.getByRole('checkbox').uncheck()
  await expect(milk).toHaveAttribute('class', '')
  await expectEvents(page, 6)
})

test('the delete button removes the todo', async ({ page }) => {
  const milk = item(page, 'buy milk')
  await milk.hover()
  await milk.getByRole('button', { name: 'Delete' }).click()
  await expect(titles(page)).toHaveText(['walk the dog'])
  await expect(page.getByTestId('todo-count')).toHaveText('1 item left')
  await item(page, 'walk the dog').getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByTestId('todo-item')).toHaveCount(0)
  await expect(page.locator('.main')).toBeHidden()
  await expect(page.locator('.footer')).toBeHidden()
})

test('completed state survives a reload', async ({ page }) => {
  await item(page, 'walk the dog').getByRole('checkbox').check()
  await expectEvents(page, 5)
  await page.reload()
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog'])
  await expect(item(page, 'walk the dog')).toHaveClass('completed')
  await expect(page.getByTestId('todo-count')).toHaveText('1 item left')
})
