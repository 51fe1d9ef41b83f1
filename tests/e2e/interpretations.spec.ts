/** Interpretations: switching reads the same log another way; no event is written. */
import { expect, test } from './fixtures.ts'
import { addTodos, expectEvents, item, openFreshRoom } from './helpers.ts'

test('switching interpretation changes the state, never the log', async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'write report', 'buy milk')
  const report = item(page, 'write report')
  await report.getByRole('checkbox').check()
  await expect(report).toHaveClass('completed')
  await report.getByRole('checkbox').uncheck()
  await expect(report).toHaveAttribute('class', '')
  await expectEvents(page, 6)

  const panel = page.getByRole('region', { name: 'Interpretations' })
  const choose = (name: string) => panel.getByRole('radio', { name, exact: true }).check()
  const status = panel.getByTestId('interpretation-status')
  await expect(panel.getByRole('group', { name: 'Interpretation' }).getByRole('radio')).toHaveCount(4)
  await expect(panel.getByRole('radio', { name: 'lww', exact: true })).toBeChecked()

  // sticky-complete: once completed, the un-complete is ignored.
  await choose('sticky-complete')
  await expect(status).toHaveText('The list shows the log read as sticky-complete.')
  await expect(report).toHaveClass('completed')
  await expect(page.getByTestId('todo-count')).toHaveText('1 item left')
  await expectEvents(page, 6)

  // churn: lww's state, plus the report of the un-complete.
  await choose('churn')
  await expect(status).toHaveText('The list shows the log read as churn.')
  await expect(report).toHaveAttribute('class', '')
  const replica = (await page.getByTestId('replica-id').textContent())!.trim()
  const rows = page.getByTestId('churn-report').getByTestId('churn-row')
  await expect(rows).toHaveCount(1)
  await expect(rows.locator('td').nth(0)).toHaveText('write report')
  await expect(rows.locator('td').nth(1)).toHaveText(`${replica.slice(0, 8)} (you)`)
  await expect(rows.locator('td').nth(2)).toContainText(String(new Date().getFullYear()))

  // lww-register: the seed's table, a value and a clock per column.
  await choose('lww-register')
  const table = page.getByTestId('register-table')
  await expect(table.getByTestId('register-row')).toHaveCount(2)
  const first = table.getByTestId('register-row').first()
  await expect(first.locator('[data-column="content"] [data-testid="register-value"]')).toHaveText('"write report"')
  // Its lamport depends on how the two adds interleaved; the last event (the un-complete) is 6.
  await expect(first.locator('[data-column="content"] [data-testid="register-clock"]')).toHaveText(new RegExp(`^[23] · ${replica.slice(0, 6)}$`))
  await expect(first.locator('[data-column="completed"] [data-testid="register-value"]')).toHaveText('false')
  await expect(first.locator('[data-column="completed"] [data-testid="register-clock"]')).toHaveText(`6 · ${replica.slice(0, 6)}`)
  await expect(page.getByTestId('churn-report')).toHaveCount(0)

  // Back to lww: not completed, and still the same six events.
  await choose('lww')
  await expect(status).toHaveText('The list shows the log read as lww.')
  await expect(report).toHaveAttribute('class', '')
  await expect(page.getByTestId('register-table')).toHaveCount(0)
  await expectEvents(page, 6)
})

test('the interpretation is kept with the replica across a reload', async ({ page }) => {
  await openFreshRoom(page)
  await addTodos(page, 'write report')
  await item(page, 'write report').getByRole('checkbox').check()
  // The stored completion shows before the next click: the snapshot of the first change,
  // arriving after a second click, re-checked the box until the second change's came.
  await expect(item(page, 'write report')).toHaveClass('completed')
  await item(page, 'write report').getByRole('checkbox').uncheck()
  await expect(item(page, 'write report')).toHaveAttribute('class', '')
  await page.getByRole('radio', { name: 'sticky-complete', exact: true }).check()
  await expect(item(page, 'write report')).toHaveClass('completed')
  await page.reload()
  await expect(page.getByRole('radio', { name: 'sticky-complete', exact: true })).toBeChecked()
  await expect(item(page, 'write report')).toHaveClass('completed')
  await expectEvents(page, 4)
})
