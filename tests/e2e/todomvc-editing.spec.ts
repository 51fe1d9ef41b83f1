/** TodoMVC: editing a todo — double-click, Enter/blur saves, Escape cancels, empty deletes. */
import { expect, test } from './fixtures.ts'
import { addTodos, expectEvents, item, openFreshRoom, titles } from './helpers.ts'

test.beforeEach(async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'walk the dog', 'write report')
  await expectEvents(page, 6)
})

test('double-click opens a textbox labelled Edit and hides the other controls', async ({ page }) => {
  const dog = item(page, 'walk the dog')
  await dog.getByTestId('todo-title').dblclick()
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await expect(edit).toBeFocused()
  await expect(edit).toHaveValue('walk the dog')
  const editing = page.getByTestId('todo-item').nth(1)
  await expect(editing).toHaveAttribute('class', 'editing')
  await expect(editing.getByRole('checkbox')).toBeHidden()
  await expect(editing.getByTestId('todo-title')).toBeHidden()
  await expect(editing.getByRole('button', { name: 'Delete' })).toBeHidden()
})

test('Enter saves the trimmed title', async ({ page }) => {
  await item(page, 'walk the dog').getByTestId('todo-title').dblclick()
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await edit.fill('   walk the cat   ')
  await edit.press('Enter')
  await expect(titles(page)).toHaveText(['buy milk', 'walk the cat', 'write report'])
  await expect(edit).toHaveCount(0)
  await expect(page.getByTestId('todo-item').nth(1)).toHaveAttribute('class', '')
  await expectEvents(page, 7)
})

test('blur saves', async ({ page }) => {
  await item(page, 'buy milk').getByTestId('todo-title').dblclick()
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await edit.fill('buy oat milk')
  await edit.blur()
  await expect(titles(page)).toHaveText(['buy oat milk', 'walk the dog', 'write report'])
  await expectEvents(page, 7)
})

test('Escape cancels, and the blur that follows does not save', async ({ page }) => {
  await item(page, 'buy milk').getByTestId('todo-title').dblclick()
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await edit.fill('something else')
  await edit.press('Escape')
  await expect(edit).toHaveCount(0)
  await page.getByPlaceholder('What needs to be done?').focus()
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])
  // A change that did land proves the log is settled, and the cancelled one never did.
  await item(page, 'write report').getByRole('checkbox').check()
  await expectEvents(page, 7)
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report'])
})

test('saving an empty title deletes the todo', async ({ page }) => {
  await item(page, 'walk the dog').getByTestId('todo-title').dblclick()
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await edit.fill('   ')
  await edit.press('Enter')
  await expect(titles(page)).toHaveText(['buy milk', 'write report'])
  await expect(page.getByTestId('todo-count')).toHaveText('2 items left')
})

test('the keyboard can edit: Enter on a focused title, Enter to save, focus returns', async ({ page }) => {
  const title = item(page, 'write report').getByTestId('todo-title')
  await title.focus()
  await page.keyboard.press('Enter')
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await expect(edit).toBeFocused()
  await page.keyboard.press('End')
  await page.keyboard.type(' today')
  await page.keyboard.press('Enter')
  await expect(titles(page)).toHaveText(['buy milk', 'walk the dog', 'write report today'])
  await expect(item(page, 'write report today').getByTestId('todo-title')).toBeFocused()
})
