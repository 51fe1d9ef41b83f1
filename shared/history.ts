/**
 * History: one todo's audit trail. Its events in causal order, each with who, when and
 * what (the event itself), which of the todo's other events it was concurrent with, and a
 * branch number for drawing lanes.
 *
 *   branch 0   e1 create ── e2a "milk" ─────────┬── e3 complete
 *   branch 1                 └─ e2b "oat milk" ─┘          e2a, e2b: concurrentWith each other
 *
 * Invariants of the entries of one todo:
 *  1. They come in (lamport, id) order: the order every interpretation folds them in, so
 *     the last entry of a field is the one `lww` shows.
 *  2. `concurrentWith` is symmetric: b is listed under a exactly when a is listed under b,
 *     and that is when neither is an ancestor of the other in the whole DAG.
 *  3. Concurrent entries never share a branch; an entry that saw every earlier entry is on
 *     branch 0. (Each entry takes the smallest branch no earlier concurrent entry holds.)
 * Causality runs through the whole log, not only through the todo's own events: an edit
 * made after seeing another todo's event, itself made after this todo's earlier edit, comes
 * after that edit (dag.ts `ancestryWithin`).
 */
import type { EventId, TodoId } from './ids.ts'
import type { TodoEvent } from './event.ts'
import type { EventStore } from './event-store.ts'
import { sortEvents } from './order.ts'
import { ancestryWithin } from './dag.ts'

/** One event of a todo's history. */
export interface HistoryEntry {
  /** The event: author, time, type, value, lamport, parents, id. */
  event: TodoEvent
  /** The todo's other events neither before nor after this one, in (lamport, id) order. */
  concurrentWith: EventId[]
  /** Lane for drawing: 0 for an event that saw all earlier ones; concurrent events differ. */
  branch: number
}

/** The part of the store a history reads. */
export type HistoryReader = Pick<EventStore, 'eventsOfTodo' | 'get'>

/** The history of `todo`: every stored event of it, as audit-trail entries (empty if none). */
export async function todoHistory(todo: TodoId, store: HistoryReader): Promise<HistoryEntry[]> {
  const events = await store.eventsOfTodo(todo)
  return historyOf(events, await ancestryWithin(events, store))
}

/**
 * The entries for `events` (one todo's), given for each the ids among them that are its
 * strict ancestors (as `ancestryWithin` computes). Pure.
 */
export function historyOf(events: readonly TodoEvent[], ancestorsOf: ReadonlyMap<EventId, ReadonlySet<EventId>>): HistoryEntry[] {
  const sorted = sortEvents([...new Map(events.map((e) => [e.id, e])).values()])
  const before = (a: TodoEvent, b: TodoEvent) => ancestorsOf.get(b.id)?.has(a.id) ?? false
  const entries: HistoryEntry[] = sorted.map((event) => ({ event, concurrentWith: [], branch: 0 }))
  for (let j = 0; j < entries.length; j++) {
    const b = entries[j]!
    const taken = new Set<number>()
    // Only earlier events can be b's ancestors; b can be an ancestor of none of them.
    for (let i = 0; i < j; i++) {
      const a = entries[i]!
      if (before(a.event, b.event)) continue
      a.concurrentWith.push(b.event.id)
      b.concurrentWith.push(a.event.id)
      taken.add(a.branch)
    }
    while (taken.has(b.branch)) b.branch++
  }
  // Each list is already in entry order: first the earlier entries (pushed while it was
  // `b`), then the later ones (pushed while it was `a`, in increasing j).
  return entries
}
