/**
 * Random DAGs of sealed events and brute-force answers to the DAG queries (shared/dag.ts),
 * computed from parent links alone: what the queries must agree with.
 */
import type { EventId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { sortEvents } from '../../shared/order.ts'
import { ev, replica, todo } from './fixtures.ts'

/**
 * A random DAG in creation order (parents always earlier): each event names 0–3 earlier
 * events as parents (0 makes another root), by one of 4 authors, on one of `todos` todos.
 */
export function randomDag(next: () => number, size: number, todos = 3): TodoEvent[] {
  const events: TodoEvent[] = []
  for (let i = 0; i < size; i++) {
    const parents = new Set<TodoEvent>()
    const k = events.length === 0 || next() < 0.1 ? 0 : 1 + Math.floor(next() * 3)
    for (let j = 0; j < k; j++) parents.add(events[Math.floor(next() * events.length)]!)
    const t = todo(1 + Math.floor(next() * todos))
    events.push(ev([...parents], { author: replica(1 + Math.floor(next() * 4)), todo: t, type: 'set_content', value: `v${i}` }))
  }
  return events
}

/** Brute-force ancestry of a set of events. */
export class DagModel {
  readonly #byId: Map<EventId, TodoEvent>
  readonly #anc = new Map<EventId, Set<EventId>>()

  constructor(readonly events: readonly TodoEvent[]) {
    this.#byId = new Map(events.map((e) => [e.id, e]))
  }

  /** Strict ancestors of `id`. */
  ancestorsOf(id: EventId): Set<EventId> {
    const known = this.#anc.get(id)
    if (known) return known
    const out = new Set<EventId>()
    for (const p of this.#byId.get(id)?.parents ?? []) {
      out.add(p)
      for (const a of this.ancestorsOf(p)) out.add(a)
    }
    this.#anc.set(id, out)
    return out
  }

  isAncestor(a: EventId, b: EventId): boolean {
    return this.ancestorsOf(b).has(a)
  }

  /** Events that are ancestors of any of `ids` (in order). */
  ancestors(ids: readonly EventId[], minLamport = 0): TodoEvent[] {
    return this.#sorted((e) => e.lamport >= minLamport && ids.some((id) => this.isAncestor(e.id, id)))
  }

  /** Events that are descendants of any of `ids` (in order). */
  descendants(ids: readonly EventId[], maxLamport = Infinity): TodoEvent[] {
    return this.#sorted((e) => e.lamport <= maxLamport && ids.some((id) => this.isAncestor(id, e.id)))
  }

  /** Events that are neither one of the (known) `heads` nor an ancestor of one. */
  lackedBy(heads: readonly EventId[]): TodoEvent[] {
    return this.#sorted((e) => !heads.some((h) => h === e.id || this.isAncestor(e.id, h)))
  }

  concurrent(a: EventId, b: EventId): boolean {
    return a !== b && !this.isAncestor(a, b) && !this.isAncestor(b, a)
  }

  #sorted(keep: (e: TodoEvent) => boolean): TodoEvent[] {
    return sortEvents(this.events.filter(keep))
  }
}
