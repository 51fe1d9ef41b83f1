/**
 * The EventStore contract: what every implementation of shared/event-store.ts promises,
 * as a suite each implementation runs from a short file: MemoryEventStore and
 * SqliteEventStore on in-memory wa-sqlite under Node (tests/contract/*.test.ts), and
 * SqliteEventStore on OPFS in Chromium (opfs-event-store.browser.test.ts).
 *
 * Fixtures follow one shape: `e1` is a root, `e2a`/`e2b` are concurrent children of it,
 * `e3` merges them. Events are sealed (real content ids) by tests/helpers/fixtures.ts.
 * The last test compares the store with a plain model over random DAGs (event-store-model.ts),
 * paging and children included.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { EventId } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import { type TodoState, emptyTodo } from '../../shared/todo-fold.ts'
import { sortEvents } from '../../shared/order.ts'
import { type EventStore, StoreClosedError, type VersionVector } from '../../shared/event-store.ts'
import { chain, ev, todo } from '../helpers/fixtures.ts'
import { AUTHORS, TODOS, buildBatches, clockArb, historyArb, modelOf } from './event-store-model.ts'

export interface EventStoreFixture {
  store: EventStore
  /** Runs after the store is closed (e.g. deletes a database file). */
  teardown?: () => Promise<void>
}

export interface EventStoreContractOptions {
  /** Random histories the model comparison tries (default 40). */
  propertyRuns?: number
}

const [A, B, C] = AUTHORS
const [T1, T2] = TODOS
const unknownId = 'ff'.repeat(32) as EventId

/** e1 ← e2a, e2b (concurrent, by A and B) ← e3 (merge, by A); e2b's todo is T2. */
function diamond() {
  const e1 = ev([], { author: A, type: 'create' })
  const e2a = ev([e1], { author: A, type: 'set_content', value: 'from A' })
  const e2b = ev([e1], { author: B, todo: T2, type: 'create' })
  const e3 = ev([e2a, e2b], { author: A, type: 'complete', value: true })
  return { e1, e2a, e2b, e3 }
}

/** A copy of `e` whose `parents` throws when read: any implementation fails on it. */
function poisoned(e: TodoEvent): TodoEvent {
  return Object.defineProperty({ ...e }, 'parents', {
    enumerable: true,
    get(): never {
      throw new Error('poisoned event')
    },
  })
}

export function runEventStoreContract(
  name: string,
  setup: () => Promise<EventStoreFixture>,
  options: EventStoreContractOptions = {},
): void {
  const { propertyRuns = 40 } = options

  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture
    let store: EventStore
    beforeEach(async () => {
      fixture = await setup()
      store = fixture.store
    })
    afterEach(async () => {
      await store.close()
      await fixture.teardown?.()
    })

    it('starts empty', async () => {
      expect(await store.heads()).toEqual([])
      expect(await store.count()).toBe(0)
      expect(await store.clock()).toEqual(new Map())
      expect(await store.eventsAfter(new Map())).toEqual([])
      expect(await store.loadTodos()).toEqual([])
      expect(await store.getMeta('replica')).toBeNull()
    })

    describe('reading committed events', () => {
      it('answers get, lamportsOf, eventsOfTodo and count', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, e2a, e2b, e3], [])
        expect(await store.count()).toBe(4)
        expect(await store.get([e3.id, e1.id])).toStrictEqual([e1, e3])
        expect(await store.lamportsOf([e2b.id, e3.id])).toEqual(new Map([[e2b.id, 2], [e3.id, 3]]))
        expect(await store.eventsOfTodo(T1)).toStrictEqual([e1, e2a, e3])
        expect(await store.eventsOfTodo(T2)).toStrictEqual([e2b])
      })

      it('skips unknown ids and duplicate requests', async () => {
        const { e1, e2a } = diamond()
        await store.commit([e1, e2a], [])
        expect(await store.get([unknownId, e2a.id, e2a.id])).toStrictEqual([e2a])
        expect(await store.lamportsOf([unknownId, e1.id])).toEqual(new Map([[e1.id, 1]]))
        expect(await store.eventsOfTodo(todo(99))).toEqual([])
      })

      it('answers lamportsOf for thousands of ids at once: stored, unknown, repeated, in any order', async () => {
        const events = chain(Array.from({ length: 3000 }, (_, i) => ({ type: 'set_title', value: `t${i}` })))
        await store.commit(events, [])
        const unknown = events.slice(0, 500).map((e) => e.id.replace(/^../, (b) => (b === 'ff' ? '00' : 'ff')) as EventId)
        const asked = [...events.map((e) => e.id).reverse(), ...unknown, events[7]!.id, events[7]!.id]
        const found = await store.lamportsOf(asked)
        expect(found.size).toBe(3000)
        for (const e of events) expect(found.get(e.id)).toBe(e.lamport)
        for (const id of unknown) expect(found.has(id)).toBe(false)
        expect(await store.lamportsOf([])).toEqual(new Map())
      })

      it('lists events in (lamport, id) order whatever order they were asked for or stored in', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1], [])
        await store.commit(sortEvents([e2b, e2a]), [])
        await store.commit([e3], [])
        const expected = sortEvents([e1, e2a, e2b, e3])
        expect(await store.get([e3.id, e2b.id, e1.id, e2a.id])).toStrictEqual(expected)
        expect(await store.eventsAfter(new Map())).toStrictEqual(expected)
      })
    })

    describe('heads', () => {
      it('of a linear chain is its newest event, across commits', async () => {
        const e1 = ev([], { type: 'create' })
        const e2 = ev([e1], { type: 'set_content', value: 'a' })
        const e3 = ev([e2], { type: 'set_content', value: 'b' })
        await store.commit([e1], [])
        expect(await store.heads()).toEqual([e1.id])
        await store.commit([e2], [])
        expect(await store.heads()).toEqual([e2.id])
        await store.commit([e3], [])
        expect(await store.heads()).toEqual([e3.id])
      })

      it('of a fork are both branch tips, sorted', async () => {
        const { e1, e2a, e2b } = diamond()
        await store.commit([e1], [])
        await store.commit([e2a], [])
        await store.commit([e2b], [])
        expect(await store.heads()).toEqual([e2a.id, e2b.id].sort())
      })

      it('after a merge is the merge event alone', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b])], [])
        await store.commit([e3], [])
        expect(await store.heads()).toEqual([e3.id])
      })

      it('follow parents that arrive earlier in the same batch', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        expect(await store.heads()).toEqual([e3.id])
      })
    })

    describe('clock and eventsAfter', () => {
      it('clock holds the highest stored lamport per author', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        expect(await store.clock()).toEqual(new Map([[A, 3], [B, 2]]))
      })

      it('with an empty clock returns every event', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        expect(await store.eventsAfter(new Map())).toStrictEqual(sortEvents([e1, e2a, e2b, e3]))
      })

      it('excludes the events a clock covers, per author', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        expect(await store.eventsAfter(new Map([[A, 1]]))).toStrictEqual(sortEvents([e2a, e2b, e3]))
        expect(await store.eventsAfter(new Map([[A, 2], [B, 2]]))).toStrictEqual([e3])
        expect(await store.eventsAfter(new Map([[A, 3], [B, 2]]))).toEqual([])
      })

      it('ignores authors it has never seen and clocks ahead of it', async () => {
        const { e1, e2b } = diamond()
        await store.commit([e1, e2b], [])
        expect(await store.eventsAfter(new Map([[C, 5]]))).toStrictEqual([e1, e2b])
        expect(await store.eventsAfter(new Map([[A, 9], [B, 9]]))).toEqual([])
      })

      it('countAfter counts what eventsAfter returns, without reading it', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        expect(await store.countAfter(new Map())).toBe(4)
        expect(await store.countAfter(new Map([[A, 1]]))).toBe(3)
        expect(await store.countAfter(new Map([[A, 2], [B, 2]]))).toBe(1)
        expect(await store.countAfter(new Map([[A, 9], [B, 9], [C, 1]]))).toBe(0)
      })

      it('eventsAfterFrom reads eventsAfter a page at a time, from a cursor that need not be stored', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        const [first, second] = sortEvents([e2a, e2b])
        expect(await store.eventsAfterFrom(new Map(), null, 2, 4)).toStrictEqual([e1, first])
        expect(await store.eventsAfterFrom(new Map(), first!, 2, 4)).toStrictEqual([second, e3])
        expect(await store.eventsAfterFrom(new Map(), e3, 2, 4)).toEqual([])
        // A clock skips covered events without counting them against the limit.
        expect(await store.eventsAfterFrom(new Map([[A, 2]]), null, 1, 4)).toStrictEqual([e2b])
        expect(await store.eventsAfterFrom(new Map([[A, 2]]), e2b, 1, 4)).toStrictEqual([e3])
        // A cursor between stored events: lamport 2 with an id above every real one.
        expect(await store.eventsAfterFrom(new Map(), { lamport: 2, id: 'f'.repeat(64) as EventId }, 5, 4)).toStrictEqual([e3])
        expect(await store.eventsAfterFrom(new Map(), { lamport: 1, id: '0'.repeat(64) as EventId }, 1, 4)).toStrictEqual([e1])
      })

      it('eventsAfterFrom leaves out events stored after the first `among`, wherever they sort', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, e2b], [])
        const among = await store.count()
        await store.commit([e2a, e3], [])
        expect(await store.eventsAfterFrom(new Map(), null, 10, among)).toStrictEqual([e1, e2b])
        expect(await store.eventsAfterFrom(new Map(), e1, 10, among)).toStrictEqual([e2b])
        expect(await store.eventsAfterFrom(new Map(), null, 10, among + 2)).toStrictEqual([e1, ...sortEvents([e2a, e2b]), e3])
      })
    })

    describe('childrenOf', () => {
      it('lists the events naming any of the ids as a parent, each once, in (lamport, id) order', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        expect(await store.childrenOf([e1.id])).toStrictEqual(sortEvents([e2a, e2b]))
        expect(await store.childrenOf([e2b.id, e2a.id])).toStrictEqual([e3])
        expect(await store.childrenOf([e3.id, e1.id, e2a.id, e1.id])).toStrictEqual(sortEvents([e2a, e2b, e3]))
      })

      it('is empty for heads and unknown ids', async () => {
        const { e1, e2a } = diamond()
        await store.commit([e1, e2a], [])
        expect(await store.childrenOf([e2a.id])).toEqual([])
        expect(await store.childrenOf([unknownId])).toEqual([])
        expect(await store.childrenOf([])).toEqual([])
      })

      it('grows as children arrive in later commits', async () => {
        const { e1, e2a, e2b } = diamond()
        await store.commit([e1, e2a], [])
        expect(await store.childrenOf([e1.id])).toStrictEqual([e2a])
        await store.commit([e2b], [])
        expect(await store.childrenOf([e1.id])).toStrictEqual(sortEvents([e2a, e2b]))
      })
    })

    describe('eventsBefore', () => {
      it('pages backwards from the newest event, newest first', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        const newestFirst = sortEvents([e1, e2a, e2b, e3]).reverse()
        expect(await store.eventsBefore(null, 10)).toStrictEqual(newestFirst)
        expect(await store.eventsBefore(null, 2)).toStrictEqual(newestFirst.slice(0, 2))
        expect(await store.eventsBefore(newestFirst[1]!, 10)).toStrictEqual(newestFirst.slice(2))
        expect(await store.eventsBefore(e1, 10)).toEqual([])
      })

      it('stops strictly before a cursor that need not be stored', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        const low = '00'.repeat(32) as EventId
        expect(await store.eventsBefore({ lamport: 2, id: low }, 10)).toStrictEqual([e1])
        expect(await store.eventsBefore({ lamport: 2, id: unknownId }, 10)).toStrictEqual([...sortEvents([e2a, e2b]).reverse(), e1])
        expect(await store.eventsBefore({ lamport: 99, id: low }, 1)).toStrictEqual([e3])
      })
    })

    describe('eventsFrom', () => {
      it('pages through the whole log in (lamport, id) order', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1], [])
        await store.commit(sortEvents([e2b, e2a]), [])
        await store.commit([e3], [])
        const all = sortEvents([e1, e2a, e2b, e3])
        expect(await store.eventsFrom(null, 10)).toStrictEqual(all)
        expect(await store.eventsFrom(null, 2)).toStrictEqual(all.slice(0, 2))
        expect(await store.eventsFrom(all[1]!, 2)).toStrictEqual(all.slice(2))
        expect(await store.eventsFrom(all[3]!, 2)).toEqual([])
      })

      it('starts strictly after a cursor that need not be stored', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1, ...sortEvents([e2a, e2b]), e3], [])
        const low = '00'.repeat(32) as EventId
        expect(await store.eventsFrom({ lamport: 2, id: low }, 10)).toStrictEqual(sortEvents([e2a, e2b, e3]))
        expect(await store.eventsFrom({ lamport: 2, id: unknownId }, 10)).toStrictEqual([e3])
        expect(await store.eventsFrom({ lamport: 0, id: low }, 1)).toStrictEqual([e1])
        expect(await store.eventsFrom({ lamport: 99, id: low }, 10)).toEqual([])
      })

      it('orders many events of one lamport by id, across pages and commits', async () => {
        const roots = Array.from({ length: 7 }, (_, i) => ev([], { type: 'create', todo: todo(10 + i) }))
        await store.commit(sortEvents(roots.slice(0, 4)), [])
        await store.commit(sortEvents(roots.slice(4)), [])
        const pages: TodoEvent[][] = []
        for (let after: TodoEvent | null = null; ; ) {
          const page = await store.eventsFrom(after, 3)
          if (page.length === 0) break
          pages.push(page)
          after = page.at(-1)!
        }
        expect(pages.map((p) => p.length)).toEqual([3, 3, 1])
        expect(pages.flat()).toStrictEqual(sortEvents(roots))
      })
    })

    describe('an event committed twice', () => {
      it('is stored once and leaves heads, clock and lists as they were', async () => {
        const { e1, e2a, e2b } = diamond()
        await store.commit([e1, e2a], [])
        await store.commit([e2b], [])
        await store.commit([e2a], [])
        expect(await store.count()).toBe(3)
        expect(await store.heads()).toEqual([e2a.id, e2b.id].sort())
        expect(await store.clock()).toEqual(new Map([[A, 2], [B, 2]]))
        expect(await store.eventsOfTodo(T1)).toStrictEqual([e1, e2a])
      })

      it('within one batch is stored once', async () => {
        const e1 = ev([], { type: 'create' })
        await store.commit([e1, e1], [])
        expect(await store.count()).toBe(1)
        expect(await store.heads()).toEqual([e1.id])
      })
    })

    describe('todo states', () => {
      const done: TodoState = {
        id: T1,
        content: 'buy milk ✓',
        list: 'home',
        completed: true,
        deleted: false,
        created: true,
        createdLamport: 1,
        createdId: 'aa'.repeat(32) as EventId,
        lastLamport: 7,
        lastId: 'bb'.repeat(32) as EventId,
        churn: [],
        clocks: null,
      }
      const reviewed: TodoState = {
        ...done,
        id: T2,
        completed: false,
        churn: [{ event: 'cc'.repeat(32) as EventId, author: A, time: 1_700_000_000_123, lamport: 6, undid: 'dd'.repeat(32) as EventId }],
        clocks: { content: { lamport: 2, event: 'ee'.repeat(32) as EventId, author: B }, list: null, completed: null },
      }

      it('round-trip exactly, nulls and booleans included', async () => {
        const blank = emptyTodo(T2)
        await store.commit([], [done, blank])
        expect(byId(await store.loadTodos())).toStrictEqual([done, blank].sort((a, b) => a.id.localeCompare(b.id)))
      })

      it('are replaced by a later commit of the same todo', async () => {
        await store.commit([], [done])
        const reopened = { ...done, completed: false, deleted: true, list: null, content: '', lastLamport: 8 }
        await store.commit([], [reopened])
        expect(await store.loadTodos()).toStrictEqual([reopened])
      })

      it('keep interpretation fields (churn entries, column clocks) exactly', async () => {
        await store.commit([], [reviewed])
        expect(await store.loadTodos()).toStrictEqual([reviewed])
      })

      it('are all replaced, atomically, by replaceTodos', async () => {
        await store.commit([], [done, emptyTodo(T2)])
        await store.replaceTodos([reviewed])
        expect(await store.loadTodos()).toStrictEqual([reviewed])
        await store.replaceTodos([])
        expect(await store.loadTodos()).toStrictEqual([])
      })
    })

    describe('event values', () => {
      const values: EventValue[] = [null, true, false, '', 'plain', 'héllo ✓ 🎉 日本語', 'nul\u0000inside', 'x'.repeat(2000)]

      it.each(values.map((v) => [JSON.stringify(v).slice(0, 30), v] as const))('round-trip exactly: %s', async (_, value) => {
        const e = ev([], { type: 'x-unknown', value })
        await store.commit([e], [])
        expect(await store.get([e.id])).toStrictEqual([e])
        expect((await store.eventsOfTodo(T1))[0]?.value).toBe(value)
      })

      it('of known and unknown types keep their type and kind', async () => {
        const e1 = ev([], { type: 'create' })
        const e2 = ev([e1], { type: 'complete', value: false })
        const e3 = ev([e2], { type: 'set_content', value: 'true' })
        const e4 = ev([e3], { type: 'vote-from-the-future', value: true, time: 0 })
        await store.commit([e1, e2, e3, e4], [])
        expect(await store.eventsAfter(new Map())).toStrictEqual([e1, e2, e3, e4])
      })
    })

    describe('atomicity', () => {
      it('a commit that throws partway stores none of its events or todos', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await store.commit([e1], [])
        const batch = [e2a, poisoned(e2b), e3]
        await expect(store.commit(batch, [emptyTodo(T1)])).rejects.toThrow('poisoned event')
        expect(await store.count()).toBe(1)
        expect(await store.heads()).toEqual([e1.id])
        expect(await store.clock()).toEqual(new Map([[A, 1]]))
        expect(await store.eventsAfter(new Map())).toStrictEqual([e1])
        expect(await store.loadTodos()).toEqual([])
      })

      it('a commit naming a parent that is neither stored nor earlier in the batch stores nothing', async () => {
        const { e1, e2a, e3 } = diamond()
        await expect(store.commit([e1, e2a, e3], [emptyTodo(T1)])).rejects.toThrow()
        expect(await store.count()).toBe(0)
        expect(await store.heads()).toEqual([])
        expect(await store.loadTodos()).toEqual([])
      })

      it('a failed commit leaves the store usable, and counting right', async () => {
        const { e1, e2a, e2b, e3 } = diamond()
        await expect(store.commit([poisoned(e1)], [])).rejects.toThrow('poisoned event')
        await store.commit([e1, e2a], [])
        expect(await store.heads()).toEqual([e2a.id])
        await expect(store.commit([e2b, poisoned(e3)], [])).rejects.toThrow('poisoned event')
        await store.commit(sortEvents([e2a, e2b]), [])
        expect(await store.count()).toBe(3)
      })
    })

    describe('meta', () => {
      it('gets what was set, and the last value set', async () => {
        await store.setMeta('replica', A)
        await store.setMeta('name', 'first')
        await store.setMeta('name', 'ünïcode ✓')
        expect(await store.getMeta('replica')).toBe(A)
        expect(await store.getMeta('name')).toBe('ünïcode ✓')
        expect(await store.getMeta('other')).toBeNull()
      })
    })

    describe('after close', () => {
      it('rejects every call with StoreClosedError', async () => {
        await store.close()
        const calls: Array<() => Promise<unknown>> = [
          () => store.heads(),
          () => store.lamportsOf([unknownId]),
          () => store.get([unknownId]),
          () => store.clock(),
          () => store.eventsAfter(new Map()),
          () => store.eventsOfTodo(T1),
          () => store.childrenOf([unknownId]),
          () => store.eventsFrom(null, 1),
          () => store.count(),
          () => store.loadTodos(),
          () => store.commit([ev([], { type: 'create' })], []),
          () => store.getMeta('k'),
          () => store.setMeta('k', 'v'),
        ]
        for (const call of calls) await expect(call()).rejects.toBeInstanceOf(StoreClosedError)
      })

      it('a second close is harmless', async () => {
        await store.close()
        await expect(store.close()).resolves.toBeUndefined()
      })
    })

    it('agrees with a plain model over random DAGs', async () => {
      await fc.assert(
        fc.asyncProperty(historyArb, clockArb, fc.integer({ min: 1, max: 7 }), async (history, probe, pageSize) => {
          const { store: s, teardown } = await setup()
          try {
            const batches = buildBatches(history)
            for (const batch of batches) await s.commit(batch, [])
            const model = modelOf(batches.flat())
            expect(await s.heads()).toEqual(model.heads)
            expect(await s.clock()).toEqual(model.clock)
            expect(await s.count()).toBe(model.events.length)
            const clock: VersionVector = new Map(probe.map(([a, l]) => [AUTHORS[a]!, l]))
            expect(await s.eventsAfter(clock)).toStrictEqual(model.eventsAfter(clock))
            for (const t of TODOS) expect(await s.eventsOfTodo(t)).toStrictEqual(model.eventsOfTodo(t))
            const sorted = sortEvents(model.events)
            const paged: TodoEvent[] = []
            for (let page = await s.eventsFrom(null, pageSize); page.length > 0; page = await s.eventsFrom(page.at(-1)!, pageSize)) {
              expect(page.length).toBeLessThanOrEqual(pageSize)
              paged.push(...page)
            }
            expect(paged).toStrictEqual(sorted)
            // The same clock's missing events, counted, and read page by page.
            expect(await s.countAfter(clock)).toBe(model.eventsAfter(clock).length)
            const missing: TodoEvent[] = []
            const all = model.events.length
            for (let page = await s.eventsAfterFrom(clock, null, pageSize, all); page.length > 0; page = await s.eventsAfterFrom(clock, page.at(-1)!, pageSize, all)) {
              expect(page.length).toBeLessThanOrEqual(pageSize)
              missing.push(...page)
            }
            expect(missing).toStrictEqual(model.eventsAfter(clock))
            for (const e of sorted.slice(0, 6)) {
              expect(await s.childrenOf([e.id])).toStrictEqual(sorted.filter((c) => c.parents.includes(e.id)))
            }
          } finally {
            await s.close()
            await teardown?.()
          }
        }),
        { numRuns: propertyRuns },
      )
    })
  })
}

function byId(todos: TodoState[]): TodoState[] {
  return [...todos].sort((a, b) => a.id.localeCompare(b.id))
}
