/**
 * shared/history.ts: a todo's audit trail. Fixtures are on todo T1 unless said otherwise;
 * authors A, B, C; `e1` is the create, `e2a`/`e2b` concurrent edits, `e3` a merge.
 */
import { describe, expect, it } from 'vitest'
import type { EventId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { sortEvents } from '../../shared/order.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { type HistoryEntry, historyOf, todoHistory } from '../../shared/history.ts'
import { ev, replica, rng, todo } from '../helpers/fixtures.ts'
import { DagModel, randomDag } from '../helpers/dag-model.ts'

const [A, B, C] = [replica(0xa), replica(0xb), replica(0xc)]
const [T1, T2] = [todo(1), todo(2)]

async function historyOver(todoId: typeof T1, ...events: TodoEvent[]): Promise<HistoryEntry[]> {
  const store = new MemoryEventStore()
  await store.commit(sortEvents(events), [])
  return todoHistory(todoId, store)
}

/** Entries as [event, concurrentWith, branch] with fixture names, for readable expectations. */
function named(entries: HistoryEntry[], names: Record<string, TodoEvent>): Array<[string, string[], number]> {
  const nameOf = new Map(Object.entries(names).map(([n, e]) => [e.id, n]))
  return entries.map((h) => [nameOf.get(h.event.id)!, h.concurrentWith.map((id) => nameOf.get(id)!), h.branch])
}

describe('todoHistory', () => {
  it('lists a linear history in order, with author, time, type and value, on branch 0', async () => {
    const e1 = ev([], { author: A, type: 'create', time: 1000 })
    const e2 = ev([e1], { author: B, type: 'set_content', value: 'milk', time: 2000 })
    const e3 = ev([e2], { author: A, type: 'complete', value: true, time: 3000 })
    const history = await historyOver(T1, e3, e1, e2)
    expect(named(history, { e1, e2, e3 })).toEqual([
      ['e1', [], 0],
      ['e2', [], 0],
      ['e3', [], 0],
    ])
    expect(history[1]!.event).toMatchObject({ author: B, time: 2000, type: 'set_content', value: 'milk' })
  })

  it('marks concurrent edits concurrent with each other, on different branches, until a merge', async () => {
    const e1 = ev([], { author: A, type: 'create' })
    const e2a = ev([e1], { author: A, type: 'set_content', value: 'milk' })
    const e2b = ev([e1], { author: B, type: 'set_content', value: 'oat milk' })
    const e3 = ev([e2a, e2b], { author: C, type: 'complete', value: true })
    const [first, second] = sortEvents([e2a, e2b]) as [TodoEvent, TodoEvent]
    expect(named(await historyOver(T1, e1, e2a, e2b, e3), { e1, first, second, e3 })).toEqual([
      ['e1', [], 0],
      ['first', ['second'], 0],
      ['second', ['first'], 1],
      ['e3', [], 0],
    ])
  })

  it('sees causality through another todo’s events', async () => {
    // T1's t2 was made by C after seeing only T2's x, which B made after seeing t1.
    const t1 = ev([], { author: A, todo: T1, type: 'create' })
    const x = ev([t1], { author: B, todo: T2, type: 'create' })
    const t2 = ev([x], { author: C, todo: T1, type: 'set_content', value: 'after x' })
    expect(named(await historyOver(T1, t1, x, t2), { t1, t2 })).toEqual([
      ['t1', [], 0],
      ['t2', [], 0],
    ])
  })

  it('does not take a higher lamport for causality', async () => {
    // u sorts after t1 (lamport 2 > 1) but its author never saw t1: they are concurrent.
    const t1 = ev([], { author: A, todo: T1, type: 'create' })
    const y = ev([], { author: B, todo: T2, type: 'create' })
    const u = ev([y], { author: B, todo: T1, type: 'set_content', value: 'blind edit' })
    expect(named(await historyOver(T1, t1, y, u), { t1, u })).toEqual([
      ['t1', ['u'], 0],
      ['u', ['t1'], 1],
    ])
  })

  it('keeps three branches apart and frees a branch once merged', async () => {
    const e1 = ev([], { author: A, type: 'create' })
    const [b0, b1, b2] = sortEvents([A, B, C].map((author) => ev([e1], { author, type: 'set_content', value: `by ${author.slice(-1)}` })))
    const m01 = ev([b0!, b1!], { author: A, type: 'complete', value: true }) // merges two, not the third
    expect(named(await historyOver(T1, e1, b0!, b1!, b2!, m01), { e1, b0: b0!, b1: b1!, b2: b2!, m01 })).toEqual([
      ['e1', [], 0],
      ['b0', ['b1', 'b2'], 0],
      ['b1', ['b0', 'b2'], 1],
      ['b2', ['b0', 'b1', 'm01'], 2],
      ['m01', ['b2'], 0],
    ])
  })

  it('includes unknown event types: they are history too', async () => {
    const e1 = ev([], { type: 'create' })
    const e2 = ev([e1], { type: 'x-future', value: 'from a newer peer' })
    expect((await historyOver(T1, e1, e2)).map((h) => h.event.type)).toEqual(['create', 'x-future'])
  })

  it('is empty for a todo with no events', async () => {
    expect(await historyOver(todo(9), ev([], { type: 'create' }))).toEqual([])
  })
})

describe('historyOf over random DAGs', () => {
  it('is in order; concurrentWith is exactly "neither is an ancestor", symmetric; concurrent entries never share a branch', async () => {
    for (let seed = 1; seed <= 100; seed++) {
      const next = rng(seed)
      const events = randomDag(next, 2 + Math.floor(next() * 25), 2)
      const model = new DagModel(events)
      const store = new MemoryEventStore()
      await store.commit(sortEvents(events), [])
      const history = await todoHistory(T1, store)
      const mine = sortEvents(events.filter((e) => e.todo === T1))
      const msg = `seed ${seed}`
      expect(history.map((h) => h.event.id), msg).toEqual(mine.map((e) => e.id))
      const branchOf = new Map<EventId, number>(history.map((h) => [h.event.id, h.branch]))
      for (const h of history) {
        const expected = mine.filter((o) => model.concurrent(o.id, h.event.id)).map((o) => o.id)
        expect(h.concurrentWith, msg).toEqual(expected)
        for (const o of h.concurrentWith) expect(branchOf.get(o), msg).not.toBe(h.branch)
        const earlierConcurrent = h.concurrentWith.some((o) => history.findIndex((x) => x.event.id === o) < history.indexOf(h))
        if (!earlierConcurrent) expect(h.branch, msg).toBe(0)
      }
    }
  })

  it('is a pure function of the events and their ancestry', () => {
    const e1 = ev([], { type: 'create' })
    const e2 = ev([e1], { type: 'set_content', value: 'x' })
    const ancestry = new Map([[e1.id, new Set<EventId>()], [e2.id, new Set([e1.id])]])
    expect(historyOf([e2, e1, e2], ancestry)).toEqual([
      { event: e1, concurrentWith: [], branch: 0 },
      { event: e2, concurrentWith: [], branch: 0 },
    ])
  })
})
