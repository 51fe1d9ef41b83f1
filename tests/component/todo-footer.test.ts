// @vitest-environment happy-dom
/**
 * The footer (counter, filters, Clear completed) and the list around it (mark all, the
 * filtered items, hiding when empty), on a real Pinia store whose actions are mocked:
 * a real RoomSession would start a Worker. Filters run on an in-memory router.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { type Router, createMemoryHistory, createRouter } from 'vue-router'
import TodoFooter from '../../client/components/todo/TodoFooter.vue'
import TodoList from '../../client/components/todo/TodoList.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { holdTodos } from '../helpers/room-state.ts'
import type { TodoFilter } from '../../client/components/todo/todo-filter.ts'
import { PACED_STEP_WAIT_MS, TODO_MOUNT_STEP } from '../../client/components/todo/todo-window.ts'
import type { TodoView } from '../../client/worker/protocol.ts'
import type { ReplicaId, TodoId } from '../../shared/ids.ts'

const ROOM = '/r/0123?forbid=nobody#secret'

const todo = (id: string, content: string, completed = false, list: string | null = null): TodoView => ({
  id: id as TodoId,
  content,
  list,
  completed,
  churn: [],
  clocks: null,
})

let router: Router
let room: ReturnType<typeof useRoomStore>

beforeEach(async () => {
  setActivePinia(createPinia())
  room = useRoomStore()
  for (const action of ['toggle', 'remove', 'rename', 'setList', 'setAllCompleted', 'clearCompleted'] as const) {
    vi.spyOn(room, action).mockResolvedValue(undefined)
  }
  vi.spyOn(room, 'addTodo').mockResolvedValue(true) // stored
  room.replica = 'r1' as ReplicaId
  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/r/:room', component: { render: () => null } }] })
  await router.push(ROOM)
})

const mountWithApp = (component: typeof TodoFooter | typeof TodoList, props: { filter: TodoFilter }) =>
  mount(component, { props, global: { plugins: [router] } })

describe('TodoFooter', () => {
  it.each([
    [[], '0 items left'],
    [[todo('a', 'one')], '1 item left'],
    [[todo('a', 'one'), todo('b', 'two'), todo('c', 'three', true)], '2 items left'],
  ])('counts the items left', (todos, text) => {
    holdTodos(room, todos)
    const w = mountWithApp(TodoFooter, { filter: 'all' })
    expect(w.get('[data-testid="todo-count"]').text()).toBe(text)
  })

  it('shows Clear completed only while something is completed, and it clears', async () => {
    holdTodos(room, [todo('a', 'one')])
    const w = mountWithApp(TodoFooter, { filter: 'all' })
    expect(w.find('button.clear-completed').exists()).toBe(false)
    holdTodos(room, [todo('a', 'one', true)])
    await flushPromises()
    const clear = w.get('button.clear-completed')
    expect(clear.text()).toBe('Clear completed')
    await clear.trigger('click')
    expect(room.clearCompleted).toHaveBeenCalledOnce()
  })

  it('marks the current filter selected, and only it', () => {
    holdTodos(room, [todo('a', 'one')])
    const w = mountWithApp(TodoFooter, { filter: 'active' })
    const links = w.findAll('.filters a')
    expect(links.map((a) => a.text())).toEqual(['All', 'Active', 'Completed'])
    expect(links.map((a) => a.attributes('class'))).toEqual(['', 'selected', ''])
  })

  it('links keep the path, the other query parameters and the secret fragment', () => {
    holdTodos(room, [todo('a', 'one')])
    const w = mountWithApp(TodoFooter, { filter: 'all' })
    const hrefs = w.findAll('.filters a').map((a) => a.attributes('href'))
    expect(hrefs).toEqual([
      '/r/0123?forbid=nobody#secret',
      '/r/0123?forbid=nobody&filter=active#secret',
      '/r/0123?forbid=nobody&filter=completed#secret',
    ])
  })

  it('a filter link is a navigation, so Back returns to the previous filter', async () => {
    holdTodos(room, [todo('a', 'one')])
    const w = mountWithApp(TodoFooter, { filter: 'all' })
    await w.findAll('.filters a')[1]!.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/r/0123?forbid=nobody&filter=active#secret')
    router.back()
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(ROOM)
  })
})

/** Long lists mount a few items per animation frame: give them time on a busy machine. */
const FRAMES = { timeout: 10_000 }

/** During a catch-up rows are mounted as snapshots arrive: one arrives each time this is checked. */
function withSnapshots(check: () => void): () => void {
  return () => {
    useRoomStore().snapshots++
    check()
  }
}

describe('TodoList', () => {
  it('hides main and footer when there are no todos (laid out off screen, not display: none)', () => {
    const w = mountWithApp(TodoList, { filter: 'all' })
    for (const part of ['.main', '.footer']) {
      expect(w.get<HTMLElement>(part).element.style.visibility).toBe('hidden')
    }
    expect(w.findAll('[data-testid="todo-item"]')).toHaveLength(0)
    holdTodos(room, [todo('a', 'one')])
    return nextTick(() => {
      for (const part of ['.main', '.footer']) expect(w.get<HTMLElement>(part).element.style.visibility).toBe('')
    })
  })

  it('shows the todos the filter asks for, in the order given', () => {
    holdTodos(room, [todo('a', 'one'), todo('b', 'two', true), todo('c', 'three')])
    const titles = (filter: TodoFilter) =>
      mountWithApp(TodoList, { filter })
        .findAll('[data-testid="todo-title"]')
        .map((t) => t.text())
    expect(titles('all')).toEqual(['one', 'two', 'three'])
    expect(titles('active')).toEqual(['one', 'three'])
    expect(titles('completed')).toEqual(['two'])
  })

  it('Mark all as complete is checked when all are complete and sets all to its state', async () => {
    holdTodos(room, [todo('a', 'one', true), todo('b', 'two')])
    const w = mountWithApp(TodoList, { filter: 'all' })
    expect(w.get('label[for="toggle-all"]').text()).toBe('Mark all as complete')
    const markAll = w.get<HTMLInputElement>('#toggle-all')
    expect(markAll.element.checked).toBe(false)
    await markAll.setValue(true)
    expect(room.setAllCompleted).toHaveBeenCalledWith(true)
    holdTodos(room, [todo('a', 'one', true), todo('b', 'two', true)])
    await flushPromises()
    expect(markAll.element.checked).toBe(true)
  })

  it('Enter in the new-todo input adds the trimmed title and clears the input; blank is ignored', async () => {
    const w = mountWithApp(TodoList, { filter: 'all' })
    const input = w.get<HTMLInputElement>('input.new-todo')
    expect(input.attributes('placeholder')).toBe('What needs to be done?')
    await input.setValue('   ')
    await input.trigger('keydown', { key: 'Enter' })
    expect(room.addTodo).not.toHaveBeenCalled()
    await input.setValue('  buy milk ')
    await input.trigger('keydown', { key: 'Enter' })
    expect(room.addTodo).toHaveBeenCalledWith('buy milk')
    expect(input.element.value).toBe('')
  })

  it('wires item events to the store: toggle, rename, remove, set list', async () => {
    holdTodos(room, [todo('a', 'one')])
    const w = mountWithApp(TodoList, { filter: 'all' })
    await w.get('input.toggle').setValue(true)
    expect(room.toggle).toHaveBeenCalledWith('a', true)
    await w.get('button[aria-label="Delete"]').trigger('click')
    expect(room.remove).toHaveBeenCalledWith('a')
    await w.get('[data-testid="todo-title"]').trigger('dblclick')
    await w.get('input.edit').setValue('uno')
    await w.get('input.edit').trigger('keydown', { key: 'Enter' })
    expect(room.rename).toHaveBeenCalledWith('a', 'uno')
    await w.get('button.list-tag').trigger('click')
    await w.get('input[aria-label="List"]').setValue('home')
    await w.get('input[aria-label="List"]').trigger('keydown', { key: 'Enter' })
    expect(room.setList).toHaveBeenCalledWith('a', 'home')
  })

  it('renders a long list as its first 200 items, a few per frame, a Show more row and the newest 20; counts them all', async () => {
    holdTodos(room, Array.from({ length: 450 }, (_, i) => todo(`t${i}`, `todo ${i}`, i % 2 === 1)))
    const w = mountWithApp(TodoList, { filter: 'all' })
    const titles = () => w.findAll('[data-testid="todo-title"]').map((t) => t.text())
    expect(titles().length).toBeLessThan(200) // mounting starts small…
    await vi.waitFor(() => expect(titles()).toHaveLength(220), FRAMES) // …and fills the page frame by frame
    expect(titles()[199]).toBe('todo 199')
    expect(titles()[200]).toBe('todo 430') // below the Show more row: the newest 20
    expect(titles().at(-1)).toBe('todo 449')
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 200 more (230 not shown)')
    expect(w.get('[data-testid="todo-count"]').text()).toBe('225 items left')
    await w.get('[data-testid="show-more"]').trigger('click')
    await vi.waitFor(() => expect(titles()).toHaveLength(420), FRAMES)
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 30 more (30 not shown)')
    await w.get('[data-testid="show-more"]').trigger('click')
    await vi.waitFor(() => expect(titles()).toHaveLength(450), FRAMES)
    expect(titles()).toEqual(room.todos.map((t) => t.content)) // in order, each once
    expect(w.find('[data-testid="show-more"]').exists()).toBe(false)
  })

  it('while a catch-up is under way renders a screenful and no newest, the rest when it ends or on Show more', async () => {
    holdTodos(room, Array.from({ length: 300 }, (_, i) => todo(`t${i}`, `todo ${i}`)))
    room.progress = { received: 10, expected: 100 }
    const w = mountWithApp(TodoList, { filter: 'all' })
    const items = () => w.findAll('[data-testid="todo-item"]')
    await vi.waitFor(withSnapshots(() => expect(items()).toHaveLength(20)), FRAMES)
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 180 more (280 not shown)')
    room.progress = { received: 100, expected: 100 }
    await vi.waitFor(() => expect(items()).toHaveLength(220), FRAMES) // first page + newest 20
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 80 more (80 not shown)')

    room.progress = { received: 0, expected: 50 } // another catch-up: a screenful again
    await vi.waitFor(withSnapshots(() => expect(items()).toHaveLength(20)), FRAMES)
    await w.get('[data-testid="show-more"]').trigger('click')
    await vi.waitFor(() => expect(items()).toHaveLength(200), FRAMES)
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 100 more (100 not shown)')
  })

  it('mounts a step in a task of its own after a frame; during a catch-up, in the task that applies a snapshot; without snapshots, one step a while', async () => {
    // A step's Vue patch inside the rendering frame doubled that frame's work (Chrome
    // traces, npm run bench -- ui). The log worker waits while the UI draws a snapshot
    // (worker/ui-yield.ts) and works flat out otherwise: rows mounted in the snapshot's
    // task are drawn by the frame it waits for, and do not compete with it for a core.
    const frames: FrameRequestCallback[] = []
    const raf = vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb))
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const items = () => w.findAll('[data-testid="todo-item"]').length
      const runFrames = async () => {
        const before = items()
        for (const cb of frames.splice(0)) cb(performance.now())
        await flushPromises()
        expect(items()).toBe(before) // nothing mounted inside the frame…
        vi.advanceTimersByTime(0) // …but in the task queued at its end
        await flushPromises()
      }
      room.progress = { received: 10, expected: 1000 }
      const w = mountWithApp(TodoList, { filter: 'all' })
      // The first todos of a catch-up arrive with a snapshot: a first step's rows show.
      holdTodos(room, Array.from({ length: 300 }, (_, i) => todo(`t${i}`, `todo ${i}`)))
      room.snapshots++
      await flushPromises()
      expect(items()).toBe(TODO_MOUNT_STEP)
      await runFrames()
      expect(frames).toHaveLength(0) // the next step waits for a newer snapshot, not a frame…
      expect(items()).toBe(TODO_MOUNT_STEP)
      room.snapshots++
      await flushPromises()
      expect(items()).toBe(2 * TODO_MOUNT_STEP) // …and is taken with it, no frame needed
      expect(frames).toHaveLength(0)
      room.snapshots++
      await flushPromises()
      expect(items()).toBe(3 * TODO_MOUNT_STEP)

      // A catch-up that stalls: one step per PACED_STEP_WAIT_MS.
      vi.advanceTimersByTime(PACED_STEP_WAIT_MS - 1)
      await flushPromises()
      expect(items()).toBe(3 * TODO_MOUNT_STEP)
      vi.advanceTimersByTime(1)
      await flushPromises()
      expect(items()).toBe(4 * TODO_MOUNT_STEP)

      // "Show more" pressed while a step waits for a snapshot: the user asked, so that
      // step and each after it is taken after the next frame.
      await w.get('[data-testid="show-more"]').trigger('click')
      expect(frames).toHaveLength(1)
      for (let i = 0; i < 3; i++) await runFrames()
      expect(items()).toBe(7 * TODO_MOUNT_STEP)
    } finally {
      vi.useRealTimers()
      raf.mockRestore()
    }
  })

  it('during a catch-up the store may hold only the first todos: counts and "not shown" are of every todo', async () => {
    holdTodos(room, Array.from({ length: 30 }, (_, i) => todo(`t${i}`, `todo ${i}`)))
    room.counts = { total: 5000, active: 4000 } // what the worker counted
    room.progress = { received: 10, expected: 1000 }
    const w = mountWithApp(TodoList, { filter: 'all' })
    const items = () => w.findAll('[data-testid="todo-item"]')
    await vi.waitFor(withSnapshots(() => expect(items()).toHaveLength(20)), FRAMES)
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 180 more (4980 not shown)')
    expect(w.get('[data-testid="todo-count"]').text()).toBe('4000 items left')
    await w.get('[data-testid="show-more"]').trigger('click') // a page asked for: all 30 held
    await vi.waitFor(() => expect(items()).toHaveLength(30), FRAMES)
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 200 more (4970 not shown)')
    await w.setProps({ filter: 'completed' }) // none held yet
    expect(items()).toHaveLength(0)
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 200 more (1000 not shown)')
  })

  it('a snapshot that changes none of the rendered todos updates none of their rows', async () => {
    // During a catch-up every snapshot adds todos below the window; re-rendering the
    // rows for it would cost the UI thread milliseconds per snapshot (issue 4).
    holdTodos(room, Array.from({ length: 300 }, (_, i) => todo(`t${i}`, `todo ${i}`)))
    room.progress = { received: 10, expected: 1000 }
    const rowUpdates = vi.fn()
    const w = mount(TodoList, {
      props: { filter: 'all' },
      global: {
        plugins: [router],
        mixins: [{ updated(this: { $options: { __name?: string } }) { if (this.$options.__name === 'TodoItem') rowUpdates() } }],
      },
    })
    await vi.waitFor(withSnapshots(() => expect(w.findAll('[data-testid="todo-item"]')).toHaveLength(20)), FRAMES)
    holdTodos(room, [...room.todos.slice(0, 5), todo('t5', 'renamed'), ...room.todos.slice(6), todo('t300', 'new')])
    await flushPromises()
    expect(w.get('[data-testid="show-more"]').text()).toBe('Show 180 more (281 not shown)') // the list did re-render
    expect(w.findAll('[data-testid="todo-title"]')[5]!.text()).toBe('renamed')
    expect(rowUpdates).toHaveBeenCalledTimes(1) // the renamed one only
  })
})
