/**
 * The one order every peer processes events in: ascending (lamport, id).
 *
 * Because an event's lamport is 1 + the largest of its parents', a child always sorts
 * after each of its parents: the order is a linear extension of causality. Concurrent
 * events are ordered by lamport, then by id — an arbitrary but shared tie-break, so
 * every peer holding the same events folds them in the same sequence.
 *
 * (The seed's recursive-CTE traversal does not have this property once ids are hashes:
 * it can emit a child before one of its parents. See tests/integration/seed-cte-counterexample.test.ts.)
 */
import type { EventId } from './ids.ts'

export interface Ordered {
  lamport: number
  id: EventId
}

/** Negative when `a` is processed before `b`. */
export function compareEvents(a: Ordered, b: Ordered): number {
  if (a.lamport !== b.lamport) return a.lamport - b.lamport
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** A sorted copy. */
export function sortEvents<T extends Ordered>(events: readonly T[]): T[] {
  return [...events].sort(compareEvents)
}
