// @vitest-environment happy-dom
/**
 * Catch-up progress as a person joining a large room sees it: the real room store over a
 * fake session (tests/helpers/fake-room-session.ts) that reports progress the way the
 * log worker does.
 *   - nothing is shown while no catch-up is under way;
 *   - during one, "Catching up: received / expected events" and a progress bar with the
 *     same numbers, labelled by that text and announced politely (role="status");
 *   - it goes away when the catch-up ends;
 *   - the todos held back from the UI during it arrive at its end, in parts, and all of
 *     them are then in the store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import CatchUpProgress from '../../client/components/room/CatchUpProgress.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { FakeRoomSession } from '../helpers/fake-room-session.ts'
import { replica, todo } from '../helpers/fixtures.ts'
import type { RoomId } from '../../shared/ids.ts'
import type { TodoView } from '../../client/worker/protocol.ts'

const todoView = (n: number): TodoView => ({ id: todo(n), content: `todo ${n}`, list: null, completed: false, churn: [], clocks: null })

vi.mock('../../client/net/room-session.ts', async (original) => ({
  ...(await original<typeof import('../../client/net/room-session.ts')>()),
  RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession,
}))

let wrapper: VueWrapper | null = null
let session: FakeRoomSession

beforeEach(async () => {
  setActivePinia(createPinia())
  useRoomStore().join({ room: 'a'.repeat(32) as RoomId, secret: 'b'.repeat(32) })
  session = FakeRoomSession.last!
  session.open(replica(1))
  wrapper = mount(CatchUpProgress, { attachTo: document.body })
  await flushPromises()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

async function progress(received: number, expected: number): Promise<void> {
  session.listener.progress(received, expected)
  await flushPromises()
}

describe('catch-up progress', () => {
  it('is not shown while no catch-up is under way', () => {
    expect(wrapper!.find('[data-testid="catch-up"]').exists()).toBe(false)
  })

  it('shows received of expected events, in words and as a labelled progress bar, until the catch-up ends', async () => {
    await progress(0, 100_000)
    const box = wrapper!.get('[data-testid="catch-up"]')
    expect(box.attributes('role')).toBe('status')
    expect(box.get('label').text()).toBe('Catching up: 0 / 100,000 events')
    await progress(24_576, 100_000)
    const bar = wrapper!.get<HTMLProgressElement>('[data-testid="sync-progress"]')
    expect(box.get('label').text()).toBe('Catching up: 24,576 / 100,000 events')
    expect([bar.element.value, bar.element.max]).toEqual([24_576, 100_000])
    expect(box.get('label').attributes('for')).toBe(bar.attributes('id'))
    await progress(0, 0) // over
    expect(wrapper!.find('[data-testid="catch-up"]').exists()).toBe(false)
  })
})

describe('the todos held back during a catch-up', () => {
  it('arrive at its end in parts ahead of the state, and the store then holds every one, in order', async () => {
    const room = useRoomStore()
    const held = Array.from({ length: 3 }, (_, i) => todoView(i))
    session.push({ todos: held, counts: { total: 3, active: 3 } })
    const rest = Array.from({ length: 600 }, (_, j) => todoView(3 + j))
    const changed = rest.map((t, j) => [3 + j, t] as [number, TodoView])
    session.listener.snapshotPart(changed.slice(0, 256))
    session.listener.snapshotPart(changed.slice(256, 512))
    expect(room.todos).toHaveLength(3) // applied when the state that ends the patch arrives
    session.push({ todos: { changed: changed.slice(512), gone: [] }, counts: { total: 603, active: 603 } })
    expect(room.todos).toEqual([...held, ...rest])
    held.forEach((t, i) => expect(room.todos[i]).toBe(t)) // unchanged todos keep their object

    // The next patch starts afresh: a single state with one edit.
    session.push({ todos: { changed: [[1, { ...held[1]!, completed: true }]], gone: [] } })
    expect(room.todos[1]!.completed).toBe(true)
    expect(room.todos).toHaveLength(603)
  })
})
