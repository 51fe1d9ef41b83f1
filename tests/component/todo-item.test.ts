// @vitest-environment happy-dom
/**
 * TodoItem on its own: it only emits, so no store is involved. The edit flows follow
 * TodoMVC: Enter or blur saves the trimmed title, Escape cancels (and the blur that
 * follows the textbox's removal must not save), an empty title deletes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type VueWrapper, mount } from '@vue/test-utils'
import TodoItem from '../../client/components/todo/TodoItem.vue'
import type { TodoView } from '../../client/worker/protocol.ts'
import type { TodoId } from '../../shared/ids.ts'

const todo = (over: Partial<TodoView> = {}): TodoView => ({
  id: 'a1' as TodoId,
  content: 'buy milk',
  list: null,
  completed: false,
  churn: [],
  clocks: null,
  ...over,
})

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

function mountItem(t: TodoView = todo()) {
  wrapper = mount(TodoItem, { props: { todo: t }, attachTo: document.body })
  return wrapper
}

async function startEdit(w: VueWrapper) {
  await w.get('[data-testid="todo-title"]').trigger('dblclick')
  return w.get<HTMLInputElement>('input.edit')
}

const li = (w: VueWrapper) => w.get('[data-testid="todo-item"]').element

describe('TodoItem', () => {
  it('has a class attribute of exactly "completed" when done and empty otherwise', async () => {
    const w = mountItem()
    expect(li(w).getAttribute('class')).toBe('')
    await w.setProps({ todo: todo({ completed: true }) })
    expect(li(w).getAttribute('class')).toBe('completed')
    expect(w.get<HTMLInputElement>('input.toggle').element.checked).toBe(true)
  })

  it('double-click opens a textbox labelled Edit holding the title, focused, class "editing"', async () => {
    const w = mountItem()
    const edit = await startEdit(w)
    expect(edit.attributes('aria-label')).toBe('Edit')
    expect(edit.element.value).toBe('buy milk')
    expect(document.activeElement).toBe(edit.element)
    expect(li(w).getAttribute('class')).toBe('editing')
  })

  it('Enter saves the trimmed title, once', async () => {
    const w = mountItem()
    const edit = await startEdit(w)
    await edit.setValue('   buy oat milk  ')
    await edit.trigger('keydown', { key: 'Enter' })
    await edit.trigger('blur') // the blur of the removed textbox
    expect(w.emitted('rename')).toEqual([['buy oat milk']])
    expect(w.find('input.edit').exists()).toBe(false)
    expect(li(w).getAttribute('class')).toBe('')
  })

  it('blur saves', async () => {
    const w = mountItem()
    const edit = await startEdit(w)
    await edit.setValue('walk the dog')
    await edit.trigger('blur')
    expect(w.emitted('rename')).toEqual([['walk the dog']])
  })

  it('Escape cancels, and the blur that follows does not save', async () => {
    const w = mountItem()
    const edit = await startEdit(w)
    await edit.setValue('something else')
    await edit.trigger('keydown', { key: 'Escape' })
    await edit.trigger('blur')
    expect(w.emitted('rename')).toBeUndefined()
    expect(w.emitted('remove')).toBeUndefined()
    expect(w.find('input.edit').exists()).toBe(false)
    expect(w.get('[data-testid="todo-title"]').text()).toBe('buy milk')
  })

  it('an empty title deletes the todo', async () => {
    const w = mountItem()
    const edit = await startEdit(w)
    await edit.setValue('   ')
    await edit.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('remove')).toEqual([[]])
    expect(w.emitted('rename')).toBeUndefined()
  })

  it('an unchanged title emits nothing', async () => {
    const w = mountItem()
    const edit = await startEdit(w)
    await edit.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('rename')).toBeUndefined()
  })

  it('Enter on the focused title starts editing too', async () => {
    const w = mountItem()
    await w.get('[data-testid="todo-title"]').trigger('keydown', { key: 'Enter' })
    expect(w.find('input.edit').exists()).toBe(true)
  })

  it('the checkbox and the Delete button emit toggle and remove', async () => {
    const w = mountItem()
    await w.get('input.toggle').setValue(true)
    await w.get('button[aria-label="Delete"]').trigger('click')
    expect(w.emitted('toggle')).toEqual([[true]])
    expect(w.emitted('remove')).toEqual([[]])
  })

  it('shows the list tag and emits set-list from the List textbox', async () => {
    const w = mountItem(todo({ list: 'home' }))
    expect(w.get('[data-testid="todo-list-tag"]').text()).toBe('home')
    await w.get('button.list-tag').trigger('click')
    const list = w.get<HTMLInputElement>('input[aria-label="List"]')
    expect(list.element.value).toBe('home')
    await list.setValue(' work ')
    await list.trigger('keydown', { key: 'Enter' })
    await list.trigger('blur')
    expect(w.emitted('set-list')).toEqual([['work']])
  })

  it('Escape in the List textbox cancels', async () => {
    const w = mountItem()
    expect(w.find('[data-testid="todo-list-tag"]').exists()).toBe(false)
    await w.get('button[aria-label="Add to a list"]').trigger('click')
    const list = w.get('input[aria-label="List"]')
    await list.setValue('work')
    await list.trigger('keydown', { key: 'Escape' })
    await list.trigger('blur')
    expect(w.emitted('set-list')).toBeUndefined()
  })
})
