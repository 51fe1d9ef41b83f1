// @vitest-environment happy-dom
/**
 * Toggling a todo shows at once and stays as the user left it while the log catches up:
 * the real room store and TodoList over a fake session whose acts are answered when the
 * test says (tests/helpers/fake-room-session.ts). The worker answers an act once stored
 * and posts the snapshot showing it after; a quick second click's act is still unanswered
 * when the first one's snapshot arrives, which used to check the box again for a moment.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import TodoList from '../../client/components/todo/TodoList.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { StorageFullError } from '../../client/worker/storage-error.ts'
import type { TodoView } from '../../client/worker/protocol.ts'
import { FakeRoomSession } from '../helpers/fake-room-session.ts'
import { replica } from '../helpers/fixtures.ts'
import type { RoomId, TodoId } from '../../shared/ids.ts'

vi.mock('../../client/net/room-session.ts', async (original) => ({
  ...(await original<typeof import('../../client/net/room-session.ts')>()),
  RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession,
}))

const ADDRESS = { room: 'a'.repeat(32) as RoomId, secret: 'b'.repeat(32) }
const ID = 'c'.repeat(32) as TodoId
const milk = (completed: boolean): TodoView => ({ id: ID, content: 'milk', list: null, completed, churn: [], clocks: null })
const state = (completed: boolean) => ({ todos: [milk(completed)], counts: { total: 1, active: completed ? 0 : 1 } })

let wrapper: VueWrapper | null = null
let session: FakeRoomSession

beforeEach(async () => {
  setActivePinia(createPinia())
  const room = useRoomStore()
  room.join(ADDRESS)
  session = FakeRoomSession.last!
  session.open(replica(1), state(false))
  session.holdActs = true
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  wrapper = mount(TodoList, { props: { filter: 'all' }, attachTo: document.body, global: { plugins: [router] } })
  await flushPromises()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

const box = () => wrapper!.get<HTMLInputElement>('[data-testid="todo-item"] input.toggle')
const item = () => wrapper!.get('[data-testid="todo-item"]')
async function click(checked: boolean): Promise<void> {
  await box().setValue(checked) // sets `checked` and fires change, as a click does
  await flushPromises()
}

describe('toggling a todo', () => {
  it('shows at once, and a quick second click is not undone by the first one’s snapshot', async () => {
    await click(true)
    expect(item().classes()).toContain('completed') // before the worker answered
    await click(false)
    session.answerActs(1) // the first is stored, and its snapshot comes…
    await flushPromises()
    session.push(state(true))
    await flushPromises()
    expect(box().element.checked).toBe(false) // …while the second is not yet
    expect(item().classes()).not.toContain('completed')
    session.answerActs()
    await flushPromises()
    expect(box().element.checked).toBe(false)
    session.push(state(false)) // the second one's snapshot
    await flushPromises()
    expect(box().element.checked).toBe(false)
    expect(session.acts.map((a) => a[0]!.value)).toEqual([true, false])
  })

  it('after the answer, the next snapshot is the truth: a peer’s toggle that won shows', async () => {
    await click(true)
    session.answerActs()
    await flushPromises()
    session.push(state(false)) // a concurrent toggle from a peer won
    await flushPromises()
    expect(box().element.checked).toBe(false)
    expect(item().classes()).not.toContain('completed')
  })

  it('a refused toggle goes back at once: no snapshot follows a change that was not stored', async () => {
    session.failWith = new StorageFullError('disk full')
    await click(true)
    expect(item().classes()).toContain('completed')
    session.answerActs()
    await flushPromises()
    expect(item().classes()).not.toContain('completed')
    expect(box().element.checked).toBe(false)
  })
})
