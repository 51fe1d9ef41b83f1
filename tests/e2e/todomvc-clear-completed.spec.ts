/** TodoMVC: `Clear completed`. */
import { expect, test } from './fixtures.ts'
import { addTodos, item, openFreshRoom, titles } from './helpers.ts'

test('shows only while something is completed and deletes every completed todo', async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'walk the dog', 'write report')
  const clear = page.getByRole('button', { name: 'Clear completed' })
  await expect(clear).toBeHidden()

  await item(page, 'buy milk').getByRole('checkbox').check()
  await item(page, 'write report').getByRole('checkbox').check()
  await expect(clear).toBeVisible()
  await clear.click()
  await expect(titles(page)).toHaveText(['walk the dog'])
  await expect(clear).toBeHidden()
  await expect(page.getByTestId('todo-count')).toHaveText('1 item left')

  await page.reload()
  await expect(titles(page)).toHaveText(['walk the dog'])
})
