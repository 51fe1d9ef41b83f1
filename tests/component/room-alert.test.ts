// @vitest-environment happy-dom
/**
 * Storage failures, as the user meets them: the real room store over a fake session
 * (tests/helpers/fake-room-session.ts) that refuses acts the way the worker does.
 *   - a change refused because storage is full raises an alert (role="alert") that says
 *     storage is full, and the typed todo stays in the input: nothing the user gave is lost;
 *   - the alert is dismissed with its button, and focus returns to the input;
 *   - adding a todo is one transaction (create + title), so a refusal leaves no half todo;
 *   - other failures, and a log that cannot be opened, say what happened.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import TodoList from '../../client/components/todo/TodoList.vue'
import RoomAlert from '../../client/components/room/RoomAlert.vue'
import { STORAGE_FULL_CHANGE, STORAGE_FULL_OPEN, useRoomStore } from '../../client/stores/room.ts'
import { StorageFullError } from '../../client/worker/storage-error.ts'
import { FakeRoomSession } from '../helpers/fake-room-session.ts'
import { replica } from '../helpers/fixtures.ts'
import type { RoomId } from '../../shared/ids.ts'

vi.mock('../../client/net/room-session.ts', async (original) => ({
  ...(await original<typeof import('../../client/net/room-session.ts')>()),
  RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession,
}))

const ADDRESS = { room: 'a'.repeat(32) as RoomId, secret: 'b'.repeat(32) }
const Screen = defineComponent(() => () => [h(RoomAlert), h(TodoList, { filter: 'all' })])

let wrapper: VueWrapper | null = null
let room: ReturnType<typeof useRoomStore>
let session: FakeRoomSession

beforeEach(async () => {
  localStorage.clear()
  setActivePinia(createPinia())
  room = useRoomStore()
  room.join(ADDRESS)
  session = FakeRoomSession.last!
  session.open(replica(1))
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  wrapper = mount(Screen, { attachTo: document.body, global: { plugins: [router] } })
  await flushPromises()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

const input = () => wrapper!.get<HTMLInputElement>('input.new-todo')
async function typeTodo(text: string): Promise<void> {
  await input().setValue(text)
  await input().trigger('keydown', { key: 'Enter' })
  await flushPromises()
}

describe('when storage is full', () => {
  it('says so in an alert, keeps the typed todo, and refuses the change whole', async () => {
    session.failWith = new StorageFullError('database or disk is full')
    await typeTodo('buy milk')

    const alert = wrapper!.get('[role="alert"]')
    expect(alert.text()).toContain('Storage is full')
    expect(alert.text()).toContain(STORAGE_FULL_CHANGE)
    expect(input().element.value).toBe('buy milk')
    // One transaction carried both events: refused together, no half-made todo.
    expect(session.acts).toHaveLength(1)
    expect(session.acts[0]!.map((a) => a.eventType)).toEqual(['create', 'set_content'])
  })

  it('is dismissed with its button, and focus goes back to the input', async () => {
    session.failWith = new StorageFullError('quota')
    await typeTodo('buy milk')
    const dismiss = wrapper!.get('[role="alert"] button')
    expect(dismiss.text()).toBe('Dismiss')
    ;(dismiss.element as HTMLButtonElement).focus()
    await dismiss.trigger('click')
    expect(wrapper!.find('[role="alert"]').exists()).toBe(false)
    expect(document.activeElement).toBe(input().element)

    // Room again: the kept text goes through and the input clears.
    session.failWith = null
    await typeTodo('buy milk')
    expect(input().element.value).toBe('')
    expect(wrapper!.find('[role="alert"]').exists()).toBe(false)
  })

  it('says so when the room cannot even be opened', async () => {
    session.listener.fatal('Could not open local storage: quota', true)
    await flushPromises()
    expect(wrapper!.get('[role="alert"]').text()).toContain(STORAGE_FULL_OPEN)
  })
})

describe('other storage failures', () => {
  it('say what failed, without claiming the disk is full', async () => {
    session.failWith = new Error('database disk image is malformed')
    await typeTodo('buy milk')
    const text = wrapper!.get('[role="alert"]').text()
    expect(text).toContain('Could not save your change: database disk image is malformed')
    expect(text).not.toContain('Storage is full')

    session.listener.fatal('Could not open local storage: broken', false)
    await flushPromises()
    expect(wrapper!.get('[role="alert"]').text()).toContain('Could not open local storage: broken')
  })

  it('show nothing while all is well', async () => {
    await typeTodo('buy milk')
    expect(wrapper!.find('[role="alert"]').exists()).toBe(false)
    expect(room.alert).toBeNull()
  })
})
