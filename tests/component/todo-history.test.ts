// @vitest-environment happy-dom
/**
 * TodoHistory on a real Pinia store whose `history` query is mocked (a real RoomSession
 * would start a Worker); the entries come from shared/history.ts over a MemoryEventStore,
 * so concurrency marks and branches are the real ones. `e2a`/`e2b` are concurrent edits.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import TodoHistory from '../../client/components/history/TodoHistory.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { holdTodos } from '../helpers/room-state.ts'
import type { TodoView } from '../../client/worker/protocol.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { type HistoryEntry, todoHistory } from '../../shared/history.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { sortEvents } from '../../shared/order.ts'
import type { TodoId } from '../../shared/ids.ts'
import { ev, replica, todo } from '../helpers/fixtures.ts'

const [A, B] = [replica(0xa), replica(0xb)]
const T1 = todo(1)
const view = (id: TodoId, content: string): TodoView => ({ id, content, list: null, completed: false, churn: [], clocks: null })

async function historyOf(...events: TodoEvent[]): Promise<HistoryEntry[]> {
  const store = new MemoryEventStore()
  await store.commit(sortEvents(events), [])
  return todoHistory(T1, store)
}

let room: ReturnType<typeof useRoomStore>
let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  room = useRoomStore()
  room.replica = A
  holdTodos(room, [view(T1, 'oat milk'), view(todo(2), 'walk the dog')])
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
})

async function mountAndChoose(entries: HistoryEntry[]) {
  const history = vi.spyOn(room, 'history').mockResolvedValue(entries)
  wrapper = mount(TodoHistory)
  await wrapper.get('select').setValue(T1)
  await flushPromises()
  return { w: wrapper, history }
}

const texts = (w: VueWrapper, testid: string) => w.findAll(`[data-testid="history-entry"] [data-testid="${testid}"]`).map((e) => e.text())

describe('TodoHistory', () => {
  it('offers the todos by title under a select labelled "History of", and shows nothing until one is chosen', async () => {
    const history = vi.spyOn(room, 'history')
    wrapper = mount(TodoHistory)
    await flushPromises()
    const label = wrapper.get('label.panel-field')
    expect(label.text()).toContain('History of')
    expect(label.findAll('option').map((o) => o.text())).toEqual(['Choose a todo…', 'oat milk', 'walk the dog'])
    expect(wrapper.findAll('[data-testid="history-entry"]')).toHaveLength(0)
    expect(history).not.toHaveBeenCalled()
  })

  it('lists every event of the chosen todo in order with type, value, author and time', async () => {
    const e1 = ev([], { author: A, type: 'create', time: Date.UTC(2024, 0, 2, 10, 0, 0) })
    const e2 = ev([e1], { author: B, type: 'set_content', value: 'milk', time: Date.UTC(2024, 0, 2, 10, 5, 0) })
    const e3 = ev([e2], { author: A, type: 'set_content', value: 'oat milk', time: Date.UTC(2024, 0, 2, 10, 9, 0) })
    const { w, history } = await mountAndChoose(await historyOf(e1, e2, e3))
    expect(history).toHaveBeenCalledWith(T1)
    expect(texts(w, 'history-type')).toEqual(['create', 'set_content', 'set_content'])
    expect(texts(w, 'history-value')).toEqual(['—', '"milk"', '"oat milk"'])
    expect(texts(w, 'history-author')).toEqual([A.slice(0, 8), B.slice(0, 8), A.slice(0, 8)])
    expect(w.findAll('[data-testid="history-entry"]')[0]!.text()).toContain('(you)')
    const times = w.findAll('[data-testid="history-time"]')
    expect(times[1]!.attributes('datetime')).toBe('2024-01-02T10:05:00.000Z')
    expect(times[1]!.text()).toMatch(/2024/)
    expect(w.findAll('[data-testid="history-concurrent"]')).toHaveLength(0)
  })

  it('marks concurrent edits and puts them on different lanes', async () => {
    const e1 = ev([], { author: A, type: 'create' })
    const e2a = ev([e1], { author: A, type: 'set_content', value: 'milk' })
    const e2b = ev([e1], { author: B, type: 'set_content', value: 'oat milk' })
    const e3 = ev([e2a, e2b], { author: A, type: 'complete', value: true })
    const { w } = await mountAndChoose(await historyOf(e1, e2a, e2b, e3))
    const entries = w.findAll('[data-testid="history-entry"]')
    expect(entries.map((e) => e.attributes('data-concurrent'))).toEqual(['false', 'true', 'true', 'false'])
    expect(entries.map((e) => e.attributes('data-branch'))).toEqual(['0', '0', '1', '0'])
    expect(texts(w, 'history-concurrent')).toEqual(['concurrent with #3', 'concurrent with #2'])
    expect(w.findAll('.history-lane')).toHaveLength(8) // two lanes drawn on each of the four rows
  })

  it('refreshes when the log grows, once per burst (debounced), without a real wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const e1 = ev([], { author: A, type: 'create' })
    const e2 = ev([e1], { author: B, type: 'set_content', value: 'milk' })
    const { w, history } = await mountAndChoose(await historyOf(e1))
    expect(w.findAll('[data-testid="history-entry"]')).toHaveLength(1)
    history.mockResolvedValue(await historyOf(e1, e2))
    room.eventCount = 1
    await flushPromises()
    room.eventCount = 2
    await flushPromises()
    expect(history).toHaveBeenCalledTimes(1)
    vi.runOnlyPendingTimers()
    await flushPromises()
    expect(history).toHaveBeenCalledTimes(2)
    expect(w.findAll('[data-testid="history-entry"]')).toHaveLength(2)
  })

  it('holds the trail still during a catch-up, says so, and refreshes it once after', async () => {
    const e1 = ev([], { author: A, type: 'create' })
    const e2 = ev([e1], { author: B, type: 'set_content', value: 'milk' })
    const { w, history } = await mountAndChoose(await historyOf(e1))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    room.progress = { received: 10, expected: 100 }
    await flushPromises()
    expect(w.find('[data-testid="history-catching-up"]').exists()).toBe(true)
    history.mockResolvedValue(await historyOf(e1, e2))
    for (const n of [1, 2, 3]) {
      room.eventCount = n
      await flushPromises()
      vi.runOnlyPendingTimers() // a pause between snapshots: no query during a catch-up
      await flushPromises()
    }
    expect(history).toHaveBeenCalledTimes(1)
    room.progress = { received: 100, expected: 100 }
    await flushPromises()
    vi.useRealTimers()
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))) // released after a frame
    await new Promise((resolve) => setTimeout(resolve, 200)) // the debounced query
    await flushPromises()
    expect(history).toHaveBeenCalledTimes(2)
    expect(w.findAll('[data-testid="history-entry"]')).toHaveLength(2)
    expect(w.find('[data-testid="history-catching-up"]').exists()).toBe(false)
  })

  it('keeps a chosen todo that was deleted choosable', async () => {
    const { w } = await mountAndChoose(await historyOf(ev([], { author: A, type: 'create' })))
    holdTodos(room, [view(todo(2), 'walk the dog')])
    await flushPromises()
    expect(w.findAll('option').map((o) => o.text())).toEqual(['Choose a todo…', 'walk the dog', '(deleted todo)'])
    expect(w.findAll('[data-testid="history-entry"]')).toHaveLength(1)
  })

  it('shows why when the query fails', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(room, 'history').mockRejectedValue(new Error('disk on fire'))
    wrapper = mount(TodoHistory)
    await wrapper.get('select').setValue(T1)
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('disk on fire')
  })

  it('in a room of many todos lists the first 100 and finds others by part of their title', async () => {
    holdTodos(room, Array.from({ length: 250 }, (_, i) => view(todo(i + 1), `errand ${i + 1}`)))
    wrapper = mount(TodoHistory)
    await flushPromises()
    const options = () => wrapper!.findAll('select option').map((o) => o.text()).slice(1) // minus "Choose a todo…"
    expect(options()).toHaveLength(100)
    expect(wrapper.get('[data-testid="history-unlisted"]').text()).toContain('150 more todos not listed')
    await wrapper.get('[data-testid="history-find"]').setValue('errand 24')
    expect(options()).toEqual(['errand 24', 'errand 240', 'errand 241', 'errand 242', 'errand 243', 'errand 244', 'errand 245', 'errand 246', 'errand 247', 'errand 248', 'errand 249'])
    expect(wrapper.find('[data-testid="history-unlisted"]').exists()).toBe(false)
    // The chosen todo stays in the select when Find changes.
    await wrapper.get('select').setValue(todo(247))
    await wrapper.get('[data-testid="history-find"]').setValue('errand 3')
    expect(options()).toContain('errand 247')
  })
  it('holds its choices still during a catch-up, and catches up when it ends', async () => {
    wrapper = mount(TodoHistory)
    const options = () => wrapper!.findAll('option').map((o) => o.text())
    room.progress = { received: 10, expected: 100 }
    holdTodos(room, [...room.todos, view(todo(3), 'arrived from a peer')])
    await flushPromises()
    expect(options()).toEqual(['Choose a todo…', 'oat milk', 'walk the dog'])
    room.progress = { received: 100, expected: 100 }
    await flushPromises()
    // Not in the task that ends the catch-up: in a task after the next frame.
    expect(options()).toEqual(['Choose a todo…', 'oat milk', 'walk the dog'])
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
    await flushPromises()
    expect(options()).toEqual(['Choose a todo…', 'oat milk', 'walk the dog', 'arrived from a peer'])
  })
})
