/** TodoMVC: adding todos — the new-todo input, trimming, order, the counter. */
import { expect, test } from './fixtures.ts'
import { addTodo, addTodos, expectEvents, openFreshRoom, titles } from './helpers.ts'

test.beforeEach(async ({ page }) => {
  await openFreshRoom(page)
})

test('an empty room shows only the input, focused and ready to type', async ({ page }) => {
  const input = page.getByPlaceholder('What needs to be done?')
  await expect(input).toBeFocused()
  await expect(page.getByRole('textbox', { name: 'New todo' })).toBeVisible()
  await expect(page.locator('.main')).toBeHidden()
  await expect(page.locator('.footer')).toBeHidden()
  await expect(page.getByTestId('todo-item')).toHaveCount(0)
})

test('Enter adds the trimmed title, clears the input, and shows main and footer', async ({ page }) => {
  const input = page.getByPlaceholder('What needs to be done?')
  await input.fill('   buy milk   ')
  await input.press('Enter')
  await expect(titles(page)).toHaveText(['buy milk'])
  await expect(input).toHaveValue('')
  await expect(page.locator('.main')).toBeVisible()
  await expect(page.locator('.footer')).toBeVisible()
  await expect(page.getByTestId('todo-count')).toHaveText('1 item left')
  await expectEvents(page, 2) // create + set_content
})

test('an empty or blank title is ignored', async ({ page }) => {
  const input = page.getByPlaceholder('What needs to be done?')
  await input.press('Enter')
  await input.fill('    ')
  await input.press('Enter')
  await addTodo(page, 'real one')
  await expect(titles(page)).toHaveText(['real one'])
  await expectEvents(page, 2)
})

test('todos keep creation order and the counter counts active ones', async ({ page }) => {
  await addTodos(page, 'first', 'second', 'third')
  await expect(page.getByTestId('todo-count')).toHaveText('3 items left')
  await page.getByTestId('todo-item').nth(1).getByRole('checkbox').check()
  await expect(page.getByTestId('todo-count')).toHaveText('2 items left')
  await expect(titles(page)).toHaveText(['first', 'second', 'third'])
  await page.getByTestId('todo-item').nth(0).getByRole('checkbox').check()
  await page.getByTestId('todo-item').nth(2).getByRole('checkbox').check()
  await expect(page.getByTestId('todo-count')).toHaveText('0 items left')
})
