/** History panel: a todo's audit trail, live, with author and time, and concurrent edits marked. */
import { expect, test } from '@playwright/test'
import { addTodo, addTodos, expectEvents, expectPeers, item, openFreshRoom, titles, expectSameReplica } from './helpers.ts'

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
  const alice = await (await browser.newContext()).newPage()
  const bob = await (await browser.newContext()).newPage()
  await alice.goto('/')
  await expect(alice).toHaveURL(/\/r\//)
  const url = new URL(alice.url())
  // Fixed peer ids so Bob can refuse Alice; a new one per load of Bob's, so Alice never
  // waits for a stale link to close before linking to his next page.
  const link = (params: string) => `${url.pathname}?${params}${url.hash}`
  await alice.goto(link('peer=aaaa'))
  await bob.goto(link('peer=bbb1'))
  await expectPeers(alice, 1)
  await addTodo(alice, 'buy milk')
  await expect(titles(bob)).toHaveText(['buy milk'])

  // Bob comes back unable to reach Alice: both edit the same todo, unaware of each other.
  const bobReplica = (await bob.getByTestId('replica-id').textContent())!
  await bob.goto(link('peer=bbb2&forbid=aaaa'))
  await expectSameReplica(bob, bobReplica)
  await expect(titles(bob)).toHaveText(['buy milk'])
  await expectPeers(alice, 0)
  await rename(alice, 'buy milk', 'buy oat milk')
  await rename(bob, 'buy milk', 'buy soy milk')
  await expectEvents(bob, 3) // stored before Bob's page goes away
  // Linked again, they converge on one title and both edits stay in the history.
  await bob.goto(link('peer=bbb3'))
  await expectSameReplica(bob, bobReplica)
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
