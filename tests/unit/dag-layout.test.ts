/**
 * client/components/dag/dag-layout.ts: lanes for the DAG view. `e1` is the root, `e2a`
 * and `e2b` a fork of it, `e3` their merge.
 */
import { describe, expect, it } from 'vitest'
import { layoutDag } from '../../client/components/dag/dag-layout.ts'
import { chain, ev, replica } from '../helpers/fixtures.ts'

const [A, B] = [replica(0xa), replica(0xb)]

describe('layoutDag', () => {
  it('a linear chain stays in lane 0, one row per event, edges parent → child', () => {
    const events = chain([{ type: 'create' }, { type: 'set_content', value: 'a' }, { type: 'complete', value: true }])
    const l = layoutDag([...events].reverse(), [events[2]!.id])
    expect(l.nodes.map((n) => [n.event.id, n.row, n.lane, n.head])).toEqual([
      [events[0]!.id, 0, 0, false],
      [events[1]!.id, 1, 0, false],
      [events[2]!.id, 2, 0, true],
    ])
    expect(l.edges.map((e) => [e.parent.row, e.child.row, e.kind])).toEqual([
      [0, 1, 'straight'],
      [1, 2, 'straight'],
    ])
    expect(l.lanes).toBe(1)
    expect(l.stubs).toEqual([])
  })

  it('a fork takes a second lane and a merge brings it back', () => {
    const e1 = ev([], { author: A, type: 'create' })
    const e2a = ev([e1], { author: A, type: 'set_content', value: 'milk' })
    const e2b = ev([e1], { author: B, type: 'set_content', value: 'oat milk' })
    const e3 = ev([e2a, e2b], { author: A, type: 'complete', value: true })
    const e4 = ev([e3], { author: B, type: 'complete', value: false })
    const l = layoutDag([e4, e3, e2b, e2a, e1], [e4.id])
    const lane = (id: string) => l.nodes.find((n) => n.event.id === id)!.lane
    const [first, second] = [e2a, e2b].sort((x, y) => (x.id < y.id ? -1 : 1))
    expect(lane(e1.id)).toBe(0)
    expect(lane(first!.id)).toBe(0)
    expect(lane(second!.id)).toBe(1)
    expect(lane(e3.id)).toBe(e3.parents[0] === first!.id ? 0 : 1)
    expect(lane(e4.id)).toBe(lane(e3.id))
    expect(l.lanes).toBe(2)
    const kinds = l.edges.map((e) => `${e.parent.event.id === e1.id ? 'e1' : e.parent.event.id === e3.id ? 'e3' : 'e2'}>${e.child.event.id === e3.id ? 'e3' : e.child.event.id === e4.id ? 'e4' : 'e2'}:${e.kind}`)
    expect(kinds.sort()).toEqual(['e1>e2:fork', 'e1>e2:straight', 'e2>e3:merge', 'e2>e3:straight', 'e3>e4:straight'])
    expect(l.nodes.filter((n) => n.head).map((n) => n.event.id)).toEqual([e4.id])
  })

  it('a lane freed by a merge is reused by the next fork', () => {
    const e1 = ev([], { author: A, type: 'create' })
    const e2a = ev([e1], { author: A, type: 'set_content', value: 'x' })
    const e2b = ev([e1], { author: B, type: 'set_content', value: 'y' })
    const e3 = ev([e2a, e2b], { author: A, type: 'complete', value: true })
    const e4a = ev([e3], { author: A, type: 'set_content', value: 'p' })
    const e4b = ev([e3], { author: B, type: 'set_content', value: 'q' })
    const l = layoutDag([e1, e2a, e2b, e3, e4a, e4b], [e4a.id, e4b.id])
    expect(l.lanes).toBe(2)
    expect(l.nodes.filter((n) => n.head)).toHaveLength(2)
    expect(new Set(l.nodes.filter((n) => n.head).map((n) => n.lane)).size).toBe(2)
  })

  it('parents outside the window become stubs, not edges', () => {
    const events = chain([{ type: 'create' }, { type: 'set_content', value: 'a' }, { type: 'set_content', value: 'b' }])
    const l = layoutDag(events.slice(1), [events[2]!.id])
    expect(l.stubs.map((n) => n.event.id)).toEqual([events[1]!.id])
    expect(l.edges).toHaveLength(1)
  })

  it('is deterministic: the same window in any order gives the same layout', () => {
    const e1 = ev([], { author: A, type: 'create' })
    const e2a = ev([e1], { author: A, type: 'set_content', value: 'x' })
    const e2b = ev([e1], { author: B, type: 'set_content', value: 'y' })
    const shape = (l: ReturnType<typeof layoutDag>) => l.nodes.map((n) => [n.event.id, n.row, n.lane])
    expect(shape(layoutDag([e2b, e1, e2a], []))).toEqual(shape(layoutDag([e1, e2a, e2b], [])))
  })
})
