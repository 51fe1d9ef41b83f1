/**
 * Random DAG histories and a brute-force model of the EventStore port, for the contract's
 * property test: whatever the DAG and however it is cut into commits, a store must answer
 * heads, clock, eventsAfter and eventsOfTodo as the model computes them from the full list.
 */
import fc from 'fast-check'
import type { ReplicaId, TodoId } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import { compareEvents, sortEvents } from '../../shared/order.ts'
import type { VersionVector } from '../../shared/event-store.ts'
import { ev, replica, todo } from '../helpers/fixtures.ts'

export const AUTHORS = [replica(0xa), replica(0xb), replica(0xc)] as const
export const TODOS = [todo(1), todo(2), todo(3)] as const

export interface Step {
  author: number
  todo: number
  /** Picks among the events created so far (modulo their count); empty makes a root. */
  parents: number[]
  value: EventValue
  /** Ends the current commit batch after this event. */
  endBatch: boolean
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  author: fc.nat({ max: 2 }),
  todo: fc.nat({ max: 2 }),
  parents: fc.array(fc.nat({ max: 1000 }), { maxLength: 3 }),
  value: fc.oneof(fc.constant(null), fc.boolean(), fc.string({ maxLength: 8 })),
  endBatch: fc.boolean(),
})
export const historyArb = fc.array(stepArb, { minLength: 1, maxLength: 40 })
export const clockArb = fc.array(fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 12 })), { maxLength: 3 })

/** Events in creation order (parents always earlier), cut into batches each sorted by (lamport, id). */
export function buildBatches(history: Step[]): TodoEvent[][] {
  const made: TodoEvent[] = []
  const batches: TodoEvent[][] = [[]]
  for (const step of history) {
    const parents = made.length === 0 ? [] : [...new Set(step.parents.map((p) => made[p % made.length]!))]
    const e = ev(parents, { author: AUTHORS[step.author], todo: TODOS[step.todo], type: 'x-random', value: step.value })
    made.push(e)
    batches.at(-1)!.push(e)
    if (step.endBatch) batches.push([])
  }
  return batches.filter((b) => b.length > 0).map((b) => sortEvents(b))
}

/** The port's answers, computed by brute force from every event committed (repeats included). */
export function modelOf(committed: TodoEvent[]) {
  const events = [...new Map(committed.map((e) => [e.id, e])).values()]
  const named = new Set(events.flatMap((e) => e.parents))
  const clock: VersionVector = new Map<ReplicaId, number>()
  for (const e of events) clock.set(e.author, Math.max(clock.get(e.author) ?? 0, e.lamport))
  const sorted = [...events].sort(compareEvents)
  return {
    events,
    heads: events.map((e) => e.id).filter((id) => !named.has(id)).sort(),
    clock,
    eventsAfter: (known: VersionVector) => sorted.filter((e) => e.lamport > (known.get(e.author) ?? 0)),
    eventsOfTodo: (t: TodoId) => sorted.filter((e) => e.todo === t),
  }
}
