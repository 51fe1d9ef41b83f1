/**
 * Seeded multi-replica histories and causally valid deliveries of them, for property tests.
 *
 *   replicas r1..rN, each a TodoLog over a MemoryEventStore, authoring on top of its heads
 *     step: maybe merge (learn the causal past of some event another replica holds),
 *           then author one event: create, set_content, add_to_list, complete true/false,
 *           delete, or an unknown 'x-future' type, on one of a few shared todos
 *   delivery: a random linear extension of the DAG, cut into batches of random size,
 *             each shuffled, with duplicates of events already delivered or in the batch
 *
 * Everything is drawn from one `rng(seed)`, so a seed replays the same case exactly.
 */
import type { EventId, ReplicaId, TodoId } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { INTERPRETATION_NAMES } from '../../shared/interpretations/index.ts'
import { replica, todo } from './fixtures.ts'

export interface HistoryReplica {
  author: ReplicaId
  log: TodoLog
  /** Ids of the events this replica holds. */
  known: Set<EventId>
}

export interface RandomHistory {
  replicas: HistoryReplica[]
  /** Every event authored, in authoring order (parents before children). */
  events: TodoEvent[]
}

const CONTENTS = ['milk', 'eggs', 'bread', '', 'milk ✓']
const LISTS = ['home', 'work']

/** Picks uniformly from a non-empty list. */
export const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)]!

/** Fisher–Yates, in place. */
export function shuffle<T>(next: () => number, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[list[i], list[j]] = [list[j]!, list[i]!]
  }
  return list
}

/** `id` and all its ancestors, among `byId`. */
export function causalPast(id: EventId, byId: ReadonlyMap<EventId, TodoEvent>): Set<EventId> {
  const out = new Set<EventId>()
  const stack = [id]
  while (stack.length > 0) {
    const e = byId.get(stack.pop()!)!
    if (out.has(e.id)) continue
    out.add(e.id)
    stack.push(...e.parents)
  }
  return out
}

/** An action a user could take, with the value its type needs. */
function randomAction(next: () => number): { type: string; value: EventValue } {
  const r = next()
  if (r < 0.2) return { type: 'create', value: null }
  if (r < 0.42) return { type: 'set_content', value: pick(next, CONTENTS) }
  if (r < 0.52) return { type: 'add_to_list', value: pick(next, LISTS) }
  if (r < 0.77) return { type: 'complete', value: next() < 0.5 }
  if (r < 0.87) return { type: 'delete', value: null }
  return { type: 'x-future', value: pick<EventValue>(next, [null, true, 'from a newer peer']) }
}

/**
 * 2–8 replicas (each under a random interpretation) author `3 + 0..maxExtra` events on
 * 1–3 shared todos; about a third of the steps first merge another replica's past.
 */
export async function randomHistory(next: () => number, maxExtra = 15): Promise<RandomHistory> {
  const replicas: HistoryReplica[] = []
  const count = 2 + Math.floor(next() * 7)
  for (let i = 0; i < count; i++) {
    const log = await TodoLog.open(new MemoryEventStore(), pick(next, INTERPRETATION_NAMES))
    replicas.push({ author: replica(i + 1), log, known: new Set() })
  }
  const todos: TodoId[] = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, i) => todo(i + 1))
  const byId = new Map<EventId, TodoEvent>()
  const events: TodoEvent[] = []
  const steps = 3 + Math.floor(next() * (maxExtra + 1))
  for (let step = 0; step < steps; step++) {
    const r = pick(next, replicas)
    const from = pick(next, replicas)
    if (from !== r && from.known.size > 0 && next() < 0.35) {
      const learned = [...causalPast(pick(next, [...from.known]), byId)].filter((id) => !r.known.has(id))
      await r.log.ingest(shuffle(next, learned.map((id) => byId.get(id)!)))
      for (const id of learned) r.known.add(id)
    }
    const { type, value } = randomAction(next)
    const e = await r.log.author(r.author, pick(next, todos), type, value, 1_700_000_000_000 + Math.floor(next() * 1e6))
    byId.set(e.id, e)
    events.push(e)
    r.known.add(e.id)
  }
  return { replicas, events }
}

/**
 * A random causally valid delivery of `events`: batches in which every event's parents
 * are in an earlier batch or the same one, shuffled, with duplicates (about one in four
 * batches repeats one or two events already delivered or in the batch).
 */
export function randomDelivery(next: () => number, events: readonly TodoEvent[]): TodoEvent[][] {
  // A random linear extension: repeatedly take a random event whose parents are all taken.
  const waiting = new Map(events.map((e) => [e.id, e]))
  const taken = new Set<EventId>()
  const order: TodoEvent[] = []
  while (waiting.size > 0) {
    const ready = [...waiting.values()].filter((e) => e.parents.every((p) => taken.has(p)))
    const e = pick(next, ready)
    waiting.delete(e.id)
    taken.add(e.id)
    order.push(e)
  }
  const batches: TodoEvent[][] = []
  for (let i = 0; i < order.length; ) {
    const size = 1 + Math.floor(next() * 6)
    const batch = order.slice(i, i + size)
    i += batch.length
    if (next() < 0.25) for (let d = Math.floor(next() * 2); d >= 0; d--) batch.push(order[Math.floor(next() * i)]!)
    batches.push(shuffle(next, batch))
  }
  return batches
}
