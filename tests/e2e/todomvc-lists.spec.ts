/** Lists (the `add_to_list` event): a tag per todo, changed in a textbox labelled `List`. */
import { expect, test } from './fixtures.ts'
import { addTodos, expectEvents, item, openFreshRoom } from './helpers.ts'

test.beforeEach(async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'fix the bug')
  await expectEvents(page, 4)
})

test('a todo is put in a list, moved to another, and taken off it', async ({ page }) => {
  const milk = item(page, 'buy milk')
  await expect(milk.getByTestId('todo-list-tag')).toHaveCount(0)

  await milk.getByRole('button', { name: 'Add to a list' }).click()
  const list = page.getByRole('combobox', { name: 'List' })
  await expect(list).toBeFocused()
  await list.fill('  home ')
  await list.press('Enter')
  await expect(milk.getByTestId('todo-list-tag')).toHaveText('home')
  await expectEvents(page, 5)

  await milk.getByTestId('todo-list-tag').click()
  await expect(list).toHaveValue('home')
  await list.fill('errands')
  await list.blur()
  await expect(milk.getByTestId('todo-list-tag')).toHaveText('errands')
  await expectEvents(page, 6)

  await milk.getByRole('button', { name: 'List: errands' }).click()
  await list.fill('')
  await list.press('Enter')
  await expect(milk.getByTestId('todo-list-tag')).toHaveCount(0)
  await expectEvents(page, 7)
})

test('Escape cancels and an unchanged list records nothing', async ({ page }) => {
  const bug = item(page, 'fix the bug')
  await bug.getByRole('button', { name: 'Add to a list' }).click()
  const list = page.getByRole('combobox', { name: 'List' })
  await list.fill('work')
  await list.press('Escape')
  await expect(list).toHaveCount(0)
  await expect(bug.getByRole('button', { name: 'Add to a list' })).toBeFocused()
  await expect(bug.getByTestId('todo-list-tag')).toHaveCount(0)

  await bug.getByRole('button', { name: 'Add to a list' }).click()
  await list.fill('work')
  await list.press('Enter')
  await expect(bug.getByTestId('todo-list-tag')).toHaveText('work')
  await bug.getByTestId('todo-list-tag').click()
  await list.press('Enter')
  await item(page, 'buy milk').getByRole('checkbox').check()
  await expectEvents(page, 6) // list + complete: the unchanged save added nothing
})

test('lists survive a reload and are offered as suggestions', async ({ page }) => {
  await item(page, 'buy milk').getByRole('button', { name: 'Add to a list' }).click()
  await page.getByRole('combobox', { name: 'List' }).fill('home')
  await page.getByRole('combobox', { name: 'List' }).press('Enter')
  await expect(item(page, 'buy milk').getByTestId('todo-list-tag')).toHaveText('home')
  await expect(page.locator('datalist#todo-lists option')).toHaveAttribute('value', 'home')

  await page.reload()
  await expect(item(page, 'buy milk').getByTestId('todo-list-tag')).toHaveText('home')
  await expect(item(page, 'fix the bug').getByTestId('todo-list-tag')).toHaveCount(0)
})
