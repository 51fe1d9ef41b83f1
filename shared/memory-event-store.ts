/**
 * MemoryEventStore: the EventStore port in plain maps. For tests, the simulator and
 * benchmarks; it is the reference the contract suite was written against.
 */
import type { EventId, ReplicaId, TodoId } from './ids.ts'
import type { TodoEvent } from './event.ts'
import type { TodoState } from './todo-fold.ts'
import { type Ordered, compareEvents, sortEvents } from './order.ts'
import { type EventStore, StoreClosedError, type VersionVector } from './event-store.ts'

export class MemoryEventStore implements EventStore {
  #events = new Map<EventId, TodoEvent>()
  /** Each event's place in storing order, from 1 (for eventsAfterFrom's `among`). */
  readonly #storedAs = new Map<EventId, number>()
  #heads = new Set<EventId>()
  #byTodo = new Map<TodoId, TodoEvent[]>()
  #children = new Map<EventId, EventId[]>()
  /** Every event in (lamport, id) order for eventsFrom; rebuilt lazily after a commit. */
  #sorted: TodoEvent[] | null = []
  #clock: VersionVector = new Map()
  #todos = new Map<TodoId, TodoState>()
  #meta = new Map<string, string>()
  #closed = false

  async heads(): Promise<EventId[]> {
    this.#check()
    return [...this.#heads].sort()
  }

  async lamportsOf(ids: readonly EventId[]): Promise<Map<EventId, number>> {
    this.#check()
    const out = new Map<EventId, number>()
    for (const id of ids) {
      const e = this.#events.get(id)
      if (e) out.set(id, e.lamport)
    }
    return out
  }

  async get(ids: readonly EventId[]): Promise<TodoEvent[]> {
    this.#check()
    const found = new Map<EventId, TodoEvent>()
    for (const id of ids) {
      const e = this.#events.get(id)
      if (e) found.set(id, e)
    }
    return sortEvents([...found.values()])
  }

  async clock(): Promise<VersionVector> {
    this.#check()
    return new Map(this.#clock)
  }

  async eventsAfter(clock: VersionVector): Promise<TodoEvent[]> {
    this.#check()
    const out: TodoEvent[] = []
    for (const e of this.#events.values()) if (isAfter(e, clock)) out.push(e)
    return out.sort(compareEvents)
  }

  async countAfter(clock: VersionVector): Promise<number> {
    this.#check()
    let n = 0
    for (const e of this.#events.values()) if (isAfter(e, clock)) n++
    return n
  }

  async eventsAfterFrom(clock: VersionVector, after: Ordered | null, limit: number, among: number): Promise<TodoEvent[]> {
    this.#check()
    const sorted = this.#inOrder()
    const out: TodoEvent[] = []
    for (let i = this.#firstAfter(sorted, after); i < sorted.length && out.length < limit; i++) {
      const e = sorted[i]!
      if (isAfter(e, clock) && this.#storedAs.get(e.id)! <= among) out.push(e)
    }
    return out
  }

  async eventsOfTodo(todo: TodoId): Promise<TodoEvent[]> {
    this.#check()
    return sortEvents(this.#byTodo.get(todo) ?? [])
  }

  async childrenOf(ids: readonly EventId[]): Promise<TodoEvent[]> {
    this.#check()
    const found = new Set<EventId>()
    for (const id of ids) for (const child of this.#children.get(id) ?? []) found.add(child)
    return sortEvents([...found].map((id) => this.#events.get(id)!))
  }

  async eventsFrom(after: Ordered | null, limit: number): Promise<TodoEvent[]> {
    this.#check()
    const sorted = this.#inOrder()
    const lo = this.#firstAfter(sorted, after)
    return sorted.slice(lo, lo + limit)
  }

  /** Every event in (lamport, id) order, kept until the next commit. */
  #inOrder(): TodoEvent[] {
    return (this.#sorted ??= sortEvents([...this.#events.values()]))
  }

  /** Binary search: the index of the first event in `sorted` that sorts after `after`. */
  #firstAfter(sorted: readonly TodoEvent[], after: Ordered | null): number {
    let lo = 0
    let hi = after === null ? 0 : sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareEvents(sorted[mid]!, after!) <= 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  async eventsBefore(before: Ordered | null, limit: number): Promise<TodoEvent[]> {
    this.#check()
    const sorted = this.#inOrder()
    // Binary search for the first event not sorting before `before`.
    let lo = 0
    let hi = sorted.length
    while (before !== null && lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareEvents(sorted[mid]!, before) < 0) lo = mid + 1
      else hi = mid
    }
    const end = before === null ? sorted.length : lo
    return sorted.slice(Math.max(0, end - limit), end).reverse()
  }

  async count(): Promise<number> {
    this.#check()
    return this.#events.size
  }

  async loadTodos(): Promise<TodoState[]> {
    this.#check()
    return [...this.#todos.values()].map((t) => ({ ...t }))
  }

  async commit(events: readonly TodoEvent[], todos: readonly TodoState[]): Promise<void> {
    this.#check()
    // Stage everything first, so a commit that throws partway stores nothing (invariant 1).
    const staged = new Map<EventId, TodoEvent>()
    for (const e of events) {
      const copy: TodoEvent = { ...e, parents: [...e.parents] }
      if (this.#events.has(copy.id) || staged.has(copy.id)) continue
      for (const p of copy.parents) {
        if (!this.#events.has(p) && !staged.has(p)) throw new Error(`event ${copy.id} names a missing parent ${p}`)
      }
      staged.set(copy.id, copy)
    }
    const states = todos.map((t) => ({ ...t }))
    for (const e of staged.values()) {
      this.#events.set(e.id, e)
      this.#storedAs.set(e.id, this.#events.size)
      for (const p of e.parents) {
        this.#heads.delete(p)
        const children = this.#children.get(p)
        if (children) children.push(e.id)
        else this.#children.set(p, [e.id])
      }
      this.#heads.add(e.id)
      const list = this.#byTodo.get(e.todo)
      if (list) list.push(e)
      else this.#byTodo.set(e.todo, [e])
      if (e.lamport > (this.#clock.get(e.author as ReplicaId) ?? 0)) this.#clock.set(e.author, e.lamport)
    }
    if (staged.size > 0) this.#sorted = null
    for (const t of states) this.#todos.set(t.id, t)
  }

  async replaceTodos(todos: readonly TodoState[]): Promise<void> {
    this.#check()
    const states = todos.map((t) => ({ ...t }))
    this.#todos.clear()
    for (const t of states) this.#todos.set(t.id, t)
  }

  async getMeta(key: string): Promise<string | null> {
    this.#check()
    return this.#meta.get(key) ?? null
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#check()
    this.#meta.set(key, value)
  }

  async close(): Promise<void> {
    this.#closed = true
  }

  #check(): void {
    if (this.#closed) throw new StoreClosedError()
  }
}

/** Whether `e` is beyond what `clock` holds of its author (eventsAfter's rule). */
const isAfter = (e: TodoEvent, clock: VersionVector): boolean => e.lamport > (clock.get(e.author) ?? 0)
