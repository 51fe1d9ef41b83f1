/**
 * shared/dag.ts, specification style. Fixtures (todo T1 unless said otherwise):
 *
 *   e1 ◀── e2a ◀── e3          e1 create (A), e2a set_content (A), e2b create T2 (B),
 *    ▲             │           e3 complete (A) merging both; e2a ∥ e2b
 *    └─── e2b ◀────┘
 *
 *   t1 ◀── x ◀── t2            causality through another todo: T1's t2 (C) saw only T2's
 *   y ◀── u                    x (B), which saw t1 (A). y is an unrelated root, u its child.
 */
import { describe, expect, it } from 'vitest'
import type { EventId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { sortEvents } from '../../shared/order.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import {
  ancestors,
  ancestryWithin,
  causalOrder,
  concurrent,
  descendants,
  has,
  isAncestor,
  lackedBy,
  missingParents,
} from '../../shared/dag.ts'
import { ev, replica, rng, todo } from '../helpers/fixtures.ts'
import { DagModel, randomDag } from '../helpers/dag-model.ts'

const [A, B, C] = [replica(0xa), replica(0xb), replica(0xc)]
const [T1, T2] = [todo(1), todo(2)]
const unknown = 'ff'.repeat(32) as EventId

function diamond() {
  const e1 = ev([], { author: A, type: 'create' })
  const e2a = ev([e1], { author: A, type: 'set_content', value: 'from A' })
  const e2b = ev([e1], { author: B, todo: T2, type: 'create' })
  const e3 = ev([e2a, e2b], { author: A, type: 'complete', value: true })
  return { e1, e2a, e2b, e3 }
}

function throughOtherTodo() {
  const t1 = ev([], { author: A, todo: T1, type: 'create' })
  const x = ev([t1], { author: B, todo: T2, type: 'create' })
  const t2 = ev([x], { author: C, todo: T1, type: 'set_content', value: 'after x' })
  const y = ev([], { author: B, todo: T2, type: 'x-future', value: 'root' })
  const u = ev([y], { author: C, todo: T1, type: 'set_content', value: 'saw y only' })
  return { t1, x, t2, y, u }
}

async function storeWith(...events: TodoEvent[]): Promise<MemoryEventStore> {
  const store = new MemoryEventStore()
  await store.commit(sortEvents(events), [])
  return store
}

const ids = (events: readonly TodoEvent[]) => events.map((e) => e.id)

describe('has and missingParents', () => {
  it('has answers which ids are stored', async () => {
    const { e1, e2a } = diamond()
    const store = await storeWith(e1)
    expect(await has([e1.id, e2a.id, unknown], store)).toEqual(new Set([e1.id]))
  })

  it('a batch whose parents are stored or in the batch misses nothing', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1)
    expect(await missingParents([e3, e2b, e2a], store)).toEqual([])
  })

  it('names each parent that is neither stored nor in the batch, once, sorted', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = new MemoryEventStore()
    expect(await missingParents([e3], store)).toEqual([e2a.id, e2b.id].sort())
    expect(await missingParents([e2a, e2b], store)).toEqual([e1.id])
  })
})

describe('causalOrder', () => {
  it('yields every event in (lamport, id) order, whatever the page size', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    for (const pageSize of [1, 2, 3, 4, 500]) {
      const out: TodoEvent[] = []
      for await (const e of causalOrder(store, { pageSize })) out.push(e)
      expect(out, `page size ${pageSize}`).toStrictEqual(sortEvents([e1, e2a, e2b, e3]))
    }
  })

  it('starts after a cursor', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    const out: TodoEvent[] = []
    for await (const e of causalOrder(store, { after: e1, pageSize: 2 })) out.push(e)
    expect(out).toStrictEqual(sortEvents([e2a, e2b, e3]))
  })

  it('reads one page at a time: stopping early reads no further', async () => {
    const events = randomDag(rng(7), 50)
    const store = await storeWith(...events)
    const pages: number[] = []
    const counting = { eventsFrom: (after: Parameters<MemoryEventStore['eventsFrom']>[0], limit: number) => (pages.push(limit), store.eventsFrom(after, limit)) }
    let seen = 0
    for await (const _ of causalOrder(counting, { pageSize: 10 })) if (++seen === 15) break
    expect(pages).toEqual([10, 10])
  })
})

describe('ancestors and descendants', () => {
  it('ancestors of the merge are everything before it; of a root, nothing', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await ancestors([e3.id], store)).toStrictEqual(sortEvents([e1, e2a, e2b]))
    expect(await ancestors([e2a.id], store)).toStrictEqual([e1])
    expect(await ancestors([e1.id], store)).toEqual([])
    expect(await ancestors([unknown], store)).toEqual([])
  })

  it('stop at minLamport', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await ancestors([e3.id], store, { minLamport: 2 })).toStrictEqual(sortEvents([e2a, e2b]))
    expect(await ancestors([e3.id], store, { minLamport: 3 })).toEqual([])
  })

  it('include a start that is an ancestor of another start', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await ancestors([e3.id, e2a.id], store)).toStrictEqual(sortEvents([e1, e2a, e2b]))
  })

  it('descendants of the root are everything after it; of a head, nothing', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await descendants([e1.id], store)).toStrictEqual(sortEvents([e2a, e2b, e3]))
    expect(await descendants([e2b.id], store)).toStrictEqual([e3])
    expect(await descendants([e3.id], store)).toEqual([])
    expect(await descendants([e1.id], store, { maxLamport: 2 })).toStrictEqual(sortEvents([e2a, e2b]))
    expect(await descendants([e2a.id, e1.id], store)).toStrictEqual(sortEvents([e2a, e2b, e3]))
  })

  it('follow causality through other todos’ events', async () => {
    const { t1, x, t2, y, u } = throughOtherTodo()
    const store = await storeWith(t1, x, t2, y, u)
    expect(ids(await ancestors([t2.id], store))).toEqual(ids(sortEvents([t1, x])))
    expect(ids(await descendants([t1.id], store))).toEqual(ids(sortEvents([x, t2])))
  })
})

describe('isAncestor and concurrent', () => {
  it('orders the diamond: e1 before all, e2a and e2b concurrent, e3 after all', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await isAncestor(e1.id, e3.id, store)).toBe(true)
    expect(await isAncestor(e2b.id, e3.id, store)).toBe(true)
    expect(await isAncestor(e3.id, e1.id, store)).toBe(false)
    expect(await isAncestor(e2a.id, e2b.id, store)).toBe(false)
    expect(await concurrent(e2a.id, e2b.id, store)).toBe(true)
    expect(await concurrent(e2b.id, e2a.id, store)).toBe(true)
    expect(await concurrent(e1.id, e3.id, store)).toBe(false)
    expect(await concurrent(e3.id, e2a.id, store)).toBe(false)
  })

  it('an event is neither its own ancestor nor concurrent with itself; unknown ids are neither', async () => {
    const { e1 } = diamond()
    const store = await storeWith(e1)
    expect(await isAncestor(e1.id, e1.id, store)).toBe(false)
    expect(await concurrent(e1.id, e1.id, store)).toBe(false)
    expect(await isAncestor(e1.id, unknown, store)).toBe(false)
    expect(await concurrent(e1.id, unknown, store)).toBe(false)
  })

  it('sees causality through another todo, and a higher lamport is not causality', async () => {
    const { t1, x, t2, y, u } = throughOtherTodo()
    const store = await storeWith(t1, x, t2, y, u)
    expect(await isAncestor(t1.id, t2.id, store)).toBe(true)
    expect(await concurrent(t1.id, t2.id, store)).toBe(false)
    expect(u.lamport).toBeGreaterThan(t1.lamport)
    expect(await isAncestor(t1.id, u.id, store)).toBe(false)
    expect(await concurrent(t1.id, u.id, store)).toBe(true)
  })
})

describe('lackedBy', () => {
  it('a peer at e2a lacks e2b and the merge', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await lackedBy([e2a.id], store)).toStrictEqual(sortEvents([e2b, e3]))
    expect(await lackedBy([e2a.id, e2b.id], store)).toStrictEqual([e3])
    expect(await lackedBy([e1.id], store)).toStrictEqual(sortEvents([e2a, e2b, e3]))
  })

  it('a peer at our heads lacks nothing; one with no heads lacks everything', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await lackedBy([e3.id], store)).toEqual([])
    expect(await lackedBy([], store)).toStrictEqual(sortEvents([e1, e2a, e2b, e3]))
  })

  it('ignores heads we do not store', async () => {
    const { e1, e2a, e2b, e3 } = diamond()
    const store = await storeWith(e1, e2a, e2b, e3)
    expect(await lackedBy([unknown], store)).toStrictEqual(sortEvents([e1, e2a, e2b, e3]))
    expect(await lackedBy([e2a.id, unknown], store)).toStrictEqual(sortEvents([e2b, e3]))
  })

  it('covers unrelated roots: a peer holding one component lacks the other', async () => {
    const { t1, x, t2, y, u } = throughOtherTodo()
    const store = await storeWith(t1, x, t2, y, u)
    expect(await lackedBy([t2.id], store)).toStrictEqual(sortEvents([y, u]))
    expect(await lackedBy([x.id, y.id], store)).toStrictEqual(sortEvents([t2, u]))
  })
})

describe('ancestryWithin', () => {
  it('relates a todo’s events through other todos’ events', async () => {
    const { t1, x, t2, y, u } = throughOtherTodo()
    const store = await storeWith(t1, x, t2, y, u)
    const within = await ancestryWithin([t1, t2, u], store)
    expect(within).toEqual(new Map([[t1.id, new Set()], [t2.id, new Set([t1.id])], [u.id, new Set()]]))
  })
})

describe('against a brute-force model over random DAGs', () => {
  it('ancestors, descendants, isAncestor, concurrent, lackedBy and ancestryWithin agree', async () => {
    for (let seed = 1; seed <= 150; seed++) {
      const next = rng(seed)
      const events = randomDag(next, 2 + Math.floor(next() * 25))
      const model = new DagModel(events)
      const store = await storeWith(...events)
      const pick = () => events[Math.floor(next() * events.length)]!
      const msg = `seed ${seed}`
      const some = [pick().id, pick().id]
      const bound = 1 + Math.floor(next() * 5)
      expect(ids(await ancestors(some, store)), msg).toEqual(ids(model.ancestors(some)))
      expect(ids(await ancestors(some, store, { minLamport: bound })), msg).toEqual(ids(model.ancestors(some, bound)))
      expect(ids(await descendants(some, store)), msg).toEqual(ids(model.descendants(some)))
      expect(ids(await descendants(some, store, { maxLamport: bound + 2 })), msg).toEqual(ids(model.descendants(some, bound + 2)))
      for (let i = 0; i < 5; i++) {
        const [a, b] = [pick().id, pick().id]
        expect(await isAncestor(a, b, store), msg).toBe(model.isAncestor(a, b))
        expect(await concurrent(a, b, store), msg).toBe(model.concurrent(a, b))
      }
      const heads = events.filter(() => next() < 0.2).map((e) => e.id)
      expect(ids(await lackedBy(heads, store)), msg).toEqual(ids(model.lackedBy(heads)))
      const members = events.filter((e) => e.todo === todo(1))
      const within = await ancestryWithin(members, store)
      for (const m of members) {
        const expected = members.filter((o) => model.isAncestor(o.id, m.id)).map((o) => o.id)
        expect([...within.get(m.id)!].sort(), msg).toEqual(expected.sort())
      }
    }
  })
})
