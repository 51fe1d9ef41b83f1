/** History panel: a todo's audit trail, live, with author and time, and concurrent edits marked. */
import { expect, test } from './fixtures.ts'
import { addTodos, expectEvents, expectPeers, forkedPair, item, openFreshRoom, titles } from './helpers.ts'

async function rename(page: import('@playwright/test').Page, from: string, to: string): Promise<void> {
  await item(page, from).getByTestId('todo-title').dblclick()
  const edit = page.getByRole('textbox', { name: 'Edit' })
  await edit.fill(to)
  await edit.press('Enter')
  await expect(item(page, to)).toHaveCount(1)
}

test('the history of an edited todo lists each edit in order with author and time, and follows new edits', async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'buy milk', 'walk the dog')
  await rename(page, 'buy milk', 'buy oat milk')
  await rename(page, 'buy oat milk', 'buy soy milk')
  await expectEvents(page, 6)

  const history = page.getByRole('region', { name: 'History' })
  await history.getByLabel('History of').selectOption({ label: 'buy soy milk' })
  const entries = history.getByTestId('history-entry')
  await expect(entries.getByTestId('history-type')).toHaveText(['create', 'set_content', 'set_content', 'set_content'])
  await expect(entries.getByTestId('history-value')).toHaveText(['—', '"buy milk"', '"buy oat milk"', '"buy soy milk"'])
  const replica = (await page.getByTestId('replica-id').textContent())!.trim()
  await expect(entries.getByTestId('history-author')).toHaveText(Array(4).fill(replica.slice(0, 8)))
  await expect(entries.first()).toContainText('(you)')
  const year = String(new Date().getFullYear())
  for (const time of await entries.getByTestId('history-time').all()) await expect(time).toContainText(year)
  await expect(history.getByTestId('history-concurrent')).toHaveCount(0)

  // A new edit shows up without choosing the todo again.
  await item(page, 'buy soy milk').getByRole('checkbox').check()
  await expect(entries).toHaveCount(5)
  await expect(entries.last().getByTestId('history-type')).toHaveText('complete')
  await expect(entries.last().getByTestId('history-value')).toHaveText('true')
})

test('edits made by two browsers without seeing each other are marked concurrent', async ({ browser }) => {
  // Bob comes back unable to reach Alice: both edit the same todo, unaware of each other.
  const { alice, bob, relink } = await forkedPair(browser, 'buy milk')
  await rename(alice, 'buy milk', 'buy oat milk')
  await rename(bob, 'buy milk', 'buy soy milk')
  await expectEvents(bob, 3) // stored before Bob's page goes away
  // Linked again, they converge on one title and both edits stay in the history.
  await relink()
  await expectPeers(bob, 1)
  await expectEvents(alice, 4)
  await expectEvents(bob, 4)
  const title = (await titles(alice).textContent())!.trim()
  await expect(titles(bob)).toHaveText([title])

  const history = alice.getByRole('region', { name: 'History' })
  await history.getByLabel('History of').selectOption({ label: title })
  const entries = history.getByTestId('history-entry')
  await expect(entries).toHaveCount(4)
  await expect(entries.getByTestId('history-type')).toHaveText(['create', 'set_content', 'set_content', 'set_content'])
  await expect(entries.nth(2)).toHaveAttribute('data-concurrent', 'true')
  await expect(entries.nth(3)).toHaveAttribute('data-concurrent', 'true')
  await expect(history.getByTestId('history-concurrent')).toHaveText(['concurrent with #4', 'concurrent with #3'])
  await expect(entries.nth(3).getByTestId('history-value')).toHaveText(`"${title}"`)
  const branches = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-branch')))
  expect(branches).toEqual(['0', '0', '0', '1'])
})
