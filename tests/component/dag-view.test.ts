// @vitest-environment happy-dom
/**
 * DagView on a real Pinia store whose `dag` query is mocked with a model of the worker:
 * the newest `limit` events before a cursor, oldest first. Fixtures: `e1` root, `e2a`/`e2b`
 * a fork, `e3` their merge, `e4` the head.
 */
import type { ReplicaId } from '../../shared/ids.ts'
import { peerColour } from '../../client/components/room/peer-identity.ts'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { isProxy, nextTick } from 'vue'
import DagView from '../../client/components/dag/DagView.vue'
import { DAG_DRAW_STEP } from '../../client/components/dag/dag-draw-steps.ts'
import { useRoomStore } from '../../client/stores/room.ts'
import type { DagWindow } from '../../client/net/room-session.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { compareEvents, sortEvents } from '../../shared/order.ts'
import type { EventId } from '../../shared/ids.ts'
import { chain, ev, replica } from '../helpers/fixtures.ts'

const [A, B] = [replica(0xa), replica(0xb)]

let room: ReturnType<typeof useRoomStore>
let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  room = useRoomStore()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.useRealTimers()
  vi.restoreAllMocks()
})

/** The worker's answer over `events`: heads are events no other names as a parent. */
function serve(events: TodoEvent[]) {
  const sorted = sortEvents(events)
  const named = new Set(events.flatMap((e) => e.parents))
  const heads = events.filter((e) => !named.has(e.id)).map((e) => e.id)
  return vi.spyOn(room, 'dag').mockImplementation(async (limit, before): Promise<DagWindow> => {
    const end = !before ? sorted.length : sorted.filter((e) => compareEvents(e, { lamport: before.lamport, id: before.id as EventId }) < 0).length
    return { events: sorted.slice(Math.max(0, end - limit), end), heads, total: sorted.length }
  })
}

function forkAndMerge() {
  const e1 = ev([], { author: A, type: 'create' })
  const e2a = ev([e1], { author: A, type: 'set_content', value: 'milk' })
  const e2b = ev([e1], { author: B, type: 'set_content', value: 'oat milk' })
  const e3 = ev([e2a, e2b], { author: A, type: 'complete', value: true })
  const e4 = ev([e3], { author: B, type: 'complete', value: false })
  return { e1, e2a, e2b, e3, e4 }
}

const nodes = (w: VueWrapper) => w.findAll('[data-testid="dag-node"]')
/** One animation frame: callbacks requested before this one have run after it. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))
/** A task after everything queued so far. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))
/** A new window is drawn DAG_DRAW_STEP nodes per frame, each after its frame (dag-draw-steps.ts): wait for all of it. */
async function drawnWhole(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await nextFrame()
    await nextTask()
  }
  await flushPromises()
}

describe('DagView', () => {
  it('draws a fork on two lanes, joins them at the merge, and rings the head', async () => {
    const { e1, e2a, e2b, e3, e4 } = forkAndMerge()
    serve([e1, e2a, e2b, e3, e4])
    wrapper = mount(DagView)
    await flushPromises()
    const drawn = nodes(wrapper)
    expect(drawn).toHaveLength(5)
    expect(drawn.map((n) => n.attributes('data-lane'))).toEqual(['0', '0', '1', '0', '0'])
    expect(drawn.map((n) => n.attributes('data-type'))).toEqual(['create', 'set_content', 'set_content', 'complete', 'complete'])
    expect(wrapper.findAll('.dag-edges path')).toHaveLength(5)
    expect(wrapper.findAll('.dag-edge-fork')).toHaveLength(1)
    expect(wrapper.findAll('.dag-edge-merge')).toHaveLength(1)
    const heads = wrapper.findAll('[data-testid="dag-head"]')
    expect(heads).toHaveLength(1)
    expect(drawn[4]!.find('[data-testid="dag-head"]').exists()).toBe(true)
    expect(drawn[4]!.get('title').text()).toBe(`complete false by ${B.slice(0, 8)} (lamport 4) · head`)
    expect(wrapper.get('[data-testid="dag-summary"]').text()).toBe('Showing the newest 5 of 5 events; 1 head here.')
  })

  it('draws the newest at the top', async () => {
    const events = chain([{ type: 'create' }, { type: 'set_content', value: 'x' }])
    serve(events)
    wrapper = mount(DagView)
    await flushPromises()
    const ys = wrapper.findAll('[data-testid="dag-node"] circle').map((c) => Number(c.attributes('cy')))
    expect(ys[0]).toBeGreaterThan(ys[1]!)
  })

  it('colours each author as the people list does', async () => {
    // Random-looking ids: the colour comes from an id's first 16 bits.
    const [x, y] = ['3f2a'.repeat(8), 'c701'.repeat(8)] as ReplicaId[]
    const e1 = ev([], { author: x!, type: 'create' })
    const e2 = ev([e1], { author: y!, type: 'set_content', value: 'milk' })
    serve([e1, e2])
    wrapper = mount(DagView)
    await flushPromises()
    const fills = nodes(wrapper).map((n) => n.findAll('circle').at(-1)!.attributes('fill'))
    expect(fills).toEqual([peerColour(x!), peerColour(y!)])
    expect(peerColour(x!)).not.toBe(peerColour(y!))
  })

  it('shows two heads for two unmerged branches', async () => {
    const { e1, e2a, e2b } = forkAndMerge()
    serve([e1, e2a, e2b])
    wrapper = mount(DagView)
    await flushPromises()
    expect(wrapper.findAll('[data-testid="dag-head"]')).toHaveLength(2)
  })

  it('draws at most `limit` nodes of a 10k-event log and pages with the before cursor', async () => {
    const events = chain(Array.from({ length: 10_000 }, (_, i) => ({ type: 'set_content', value: `v${i}` })))
    const dag = serve(events)
    wrapper = mount(DagView)
    await flushPromises()
    expect(dag).toHaveBeenLastCalledWith(200, null)
    await drawnWhole()
    expect(nodes(wrapper)).toHaveLength(200)
    expect(nodes(wrapper)[199]!.attributes('data-type')).toBe('set_content')
    expect(wrapper.get('[data-testid="dag-summary"]').text()).toBe('Showing the newest 200 of 10000 events; 1 head here.')
    expect(wrapper.findAll('.dag-stub')).toHaveLength(1) // history continues below the window

    const [older, newer] = wrapper.findAll('.dag-paging button')
    expect(newer!.attributes('disabled')).toBeDefined()
    await older!.trigger('click')
    await flushPromises()
    expect(dag).toHaveBeenLastCalledWith(200, { lamport: events[9800]!.lamport, id: events[9800]!.id })
    expect(isProxy(dag.mock.lastCall![1])).toBe(false) // it is posted to the worker: must clone
    await drawnWhole()
    expect(nodes(wrapper)).toHaveLength(200)
    expect(wrapper.findAll('[data-testid="dag-head"]')).toHaveLength(0)
    expect(wrapper.find('title').text()).toContain('"v9600"')

    await wrapper.findAll('.dag-paging button')[1]!.trigger('click')
    await flushPromises()
    expect(dag).toHaveBeenLastCalledWith(200, null)
    expect(wrapper.findAll('[data-testid="dag-head"]')).toHaveLength(1)
  })

  it('draws a window of new events DAG_DRAW_STEP per frame, newest first, and then whole', async () => {
    // Frames run when the test says so.
    const frames: FrameRequestCallback[] = []
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb))
    /** Runs the frame's callbacks; a step's update is made in a task after the frame. */
    const runFrame = async () => {
      for (const cb of frames.splice(0)) cb(performance.now())
      await flushPromises()
      await nextTask()
      await flushPromises()
    }
    const step = DAG_DRAW_STEP
    const n = 2 * step + 10 // three steps: step, step, 10
    const events = chain(Array.from({ length: n }, (_, i) => ({ type: 'set_content', value: `v${i}` })))
    serve(events)
    wrapper = mount(DagView)
    await flushPromises()
    const rowsDrawn = () => nodes(wrapper!).map((node) => Number(node.attributes('data-row')))
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)
    // At once: the newest `step` (the top rows), edges only between drawn nodes.
    expect(rowsDrawn()).toEqual(range(n - step, n))
    expect(wrapper.findAll('.dag-edges path')).toHaveLength(step - 1)
    expect(wrapper.get('[data-testid="dag-summary"]').text()).toBe(`Showing the newest ${n} of ${n} events; 1 head here.`)
    // Not in the frame's callback: there the update would be drawn in that same frame. Vue
    // renders in a microtask, so microtasks alone must not draw it. (Not flushPromises: its
    // setImmediate may run after the step's setTimeout(0) on a busy machine.)
    for (const cb of frames.splice(0)) cb(performance.now())
    for (let i = 0; i < 5; i++) await nextTick()
    expect(rowsDrawn()).toEqual(range(n - step, n))
    await nextTask()
    await flushPromises()
    expect(rowsDrawn()).toEqual(range(n - 2 * step, n))
    await runFrame()
    expect(rowsDrawn()).toEqual(range(0, n))
    expect(frames).toHaveLength(0) // done: no more frames asked for
    expect(wrapper.findAll('.dag-edges path')).toHaveLength(n - 1)

    // One more event shifts nothing that is drawn: it is drawn at once, in the same update.
    const more = chain([{ type: 'complete', value: true }], [events[n - 1]!])
    serve([...events, ...more])
    room.eventCount = n + 1
    await new Promise((r) => setTimeout(r, 200)) // the re-query is debounced (150 ms)
    await flushPromises()
    expect(rowsDrawn()).toEqual(range(0, n + 1))
    expect(frames).toHaveLength(0)
  })

  it('never draws more than `limit`, even if an answer holds more', async () => {
    const events = chain(Array.from({ length: 50 }, () => ({ type: 'create' })))
    vi.spyOn(room, 'dag').mockResolvedValue({ events, heads: [events[49]!.id], total: 50 })
    wrapper = mount(DagView, { props: { limit: 20 } })
    await flushPromises()
    expect(nodes(wrapper)).toHaveLength(20)
    expect(wrapper.findAll('[data-testid="dag-head"]')).toHaveLength(1)
  })

  it('re-queries when the log grows, debounced', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const events = chain([{ type: 'create' }, { type: 'set_content', value: 'x' }, { type: 'complete', value: true }])
    const dag = serve(events.slice(0, 1))
    wrapper = mount(DagView)
    await flushPromises()
    expect(nodes(wrapper)).toHaveLength(1)
    serve(events)
    room.eventCount = 2
    await flushPromises()
    room.eventCount = 3
    await flushPromises()
    vi.runOnlyPendingTimers()
    await flushPromises()
    expect(nodes(wrapper)).toHaveLength(3)
    expect(dag).toHaveBeenCalledTimes(2)
  })

  it('the keyboard moves through events and their details are announced', async () => {
    const { e1, e2a, e2b, e3, e4 } = forkAndMerge()
    serve([e1, e2a, e2b, e3, e4])
    wrapper = mount(DagView)
    await flushPromises()
    const drawing = wrapper.get('.dag-scroll')
    expect(drawing.attributes('tabindex')).toBe('0')
    await drawing.trigger('keydown', { key: 'ArrowUp' })
    expect(wrapper.get('[data-testid="dag-detail"]').text()).toContain('create by')
    await drawing.trigger('keydown', { key: 'ArrowUp' })
    expect(wrapper.findAll('.dag-node.selected')).toHaveLength(1)
    await nodes(wrapper)[4]!.trigger('click')
    // Drawn nodes are memoised: the selection still moves from one to the other.
    expect(wrapper.findAll('.dag-node.selected').map((n) => n.attributes('data-row'))).toEqual([nodes(wrapper)[4]!.attributes('data-row')])
    expect(wrapper.get('[data-testid="dag-detail"]').text()).toContain('complete false')
    expect(wrapper.get('[data-testid="dag-detail"]').text()).toContain('head')
  })
})
