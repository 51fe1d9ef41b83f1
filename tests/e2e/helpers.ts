import { type Page, expect } from '@playwright/test'

export async function addTodo(page: Page, title: string): Promise<void> {
  const input = page.getByPlaceholder('What needs to be done?')
  await expect(input).toBeEnabled()
  await input.fill(title)
  await input.press('Enter')
}

export const titles = (page: Page) => page.getByTestId('todo-title')

export async function expectPeers(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('peer-count')).toHaveText(String(n))
}

export function item(page: Page, title: string) {
  return page.getByTestId('todo-item').filter({ has: page.getByTestId('todo-title').getByText(title, { exact: true }) })
}
