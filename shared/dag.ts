/**
 * DAG queries over a replica's log: which parents are missing, causal iteration,
 * ancestors and descendants, causality between two events, and what a peer lacks.
 *
 *   e1 ◀── e2a ◀── e3        parents point back in time; `ancestors(e3)` = {e1, e2a, e2b},
 *    ▲             │         `descendants(e1)` = {e2a, e2b, e3}, e2a and e2b are concurrent,
 *    └─── e2b ◀────┘         and a peer whose heads are [e2a] lacks [e2b, e3].
 *
 * Pure: every query reads through a small slice of the EventStore port (DagReader) and
 * writes nothing. Heads are not computed here: the stores keep them incrementally.
 *
 * Invariants the queries rely on (kept by every accepted event, see event.ts):
 *  1. A stored event's parents are stored (commit refuses anything else).
 *  2. lamport = 1 + max(parents' lamport), so lamport strictly decreases along parent
 *     links. Hence an ancestor of `x` has a smaller lamport than `x`, a walk towards the
 *     past can stop below a lamport bound, and walking by descending lamport visits every
 *     child before its parents.
 *  3. (lamport, id) is a total order extending causality (order.ts); lists returned here
 *     come in that order.
 * Walks load events level by level (one `get` or `childrenOf` call per step), never the
 * whole log, except `lackedBy` for a peer that knows none of our events.
 */
import type { EventId } from './ids.ts'
import type { TodoEvent } from './event.ts'
import type { EventStore } from './event-store.ts'
import { type Ordered, sortEvents } from './order.ts'

/** The part of the store the DAG queries read. */
export type DagReader = Pick<EventStore, 'heads' | 'lamportsOf' | 'get' | 'childrenOf' | 'eventsFrom'>

/** Events per `eventsFrom` call while iterating the whole log. */
export const DEFAULT_PAGE_SIZE = 500

/** Which of `ids` are stored. */
export async function has(ids: readonly EventId[], store: Pick<DagReader, 'lamportsOf'>): Promise<Set<EventId>> {
  return new Set((await store.lamportsOf(ids)).keys())
}

/**
 * Parents named by `events` that are neither stored nor among `events`: what must be
 * fetched before the batch can be stored. Sorted, each once.
 */
export async function missingParents(events: readonly TodoEvent[], store: Pick<DagReader, 'lamportsOf'>): Promise<EventId[]> {
  const inBatch = new Set(events.map((e) => e.id))
  const named = new Set<EventId>()
  for (const e of events) for (const p of e.parents) if (!inBatch.has(p)) named.add(p)
  const stored = await store.lamportsOf([...named])
  return [...named].filter((p) => !stored.has(p)).sort()
}

/**
 * Every stored event sorting after `after` (from the start when absent), in (lamport, id)
 * order, read `pageSize` events at a time: the whole log never sits in memory at once.
 */
export async function* causalOrder(
  store: Pick<DagReader, 'eventsFrom'>,
  options: { after?: Ordered | null; pageSize?: number } = {},
): AsyncGenerator<TodoEvent> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError(`page size must be a positive integer, not ${pageSize}`)
  let cursor: Ordered | null = options.after ?? null
  for (;;) {
    const page = await store.eventsFrom(cursor, pageSize)
    yield* page
    if (page.length < pageSize) return
    cursor = page.at(-1)!
  }
}

/**
 * Stored events that are ancestors of at least one of `ids` (an id is included only when it
 * is an ancestor of another), in (lamport, id) order. With `minLamport`, only ancestors at
 * or above it: the walk stops there (invariant 2). Unknown ids are ignored.
 */
export async function ancestors(
  ids: readonly EventId[],
  store: Pick<DagReader, 'get'>,
  options: { minLamport?: number } = {},
): Promise<TodoEvent[]> {
  const min = options.minLamport ?? 0
  const found = new Map<EventId, TodoEvent>()
  const requested = new Set<EventId>()
  let frontier = await store.get(ids)
  const walked = new Set<EventId>(frontier.map((e) => e.id))
  while (frontier.length > 0) {
    const next = new Set<EventId>()
    for (const e of frontier) for (const p of e.parents) if (!requested.has(p)) next.add(p)
    for (const p of next) requested.add(p)
    // An event below the bound has no ancestor at or above it: neither kept nor walked.
    const parents = (await store.get([...next])).filter((e) => e.lamport >= min)
    for (const e of parents) found.set(e.id, e)
    frontier = parents.filter((e) => !walked.has(e.id)) // a start reached from another is kept, not walked twice
    for (const e of frontier) walked.add(e.id)
  }
  return sortEvents([...found.values()])
}

/**
 * Stored events that are descendants of at least one of `ids` (an id is included only when
 * it is a descendant of another), in (lamport, id) order. With `maxLamport`, only those at
 * or below it. Walks children (EventStore.childrenOf). Unknown ids are ignored.
 */
export async function descendants(
  ids: readonly EventId[],
  store: Pick<DagReader, 'childrenOf'>,
  options: { maxLamport?: number } = {},
): Promise<TodoEvent[]> {
  const max = options.maxLamport ?? Number.POSITIVE_INFINITY
  const found = new Map<EventId, TodoEvent>()
  let frontier: readonly EventId[] = [...new Set(ids)]
  while (frontier.length > 0) {
    // A start reached from another is kept and walked once more: harmless, and rare.
    const next: EventId[] = []
    for (const child of await store.childrenOf(frontier)) {
      // A child above the bound only has descendants above it too.
      if (child.lamport > max || found.has(child.id)) continue
      found.set(child.id, child)
      next.push(child.id)
    }
    frontier = next
  }
  return sortEvents([...found.values()])
}

/**
 * True when `a` is a strict ancestor of `b` (reachable from `b` through parents). False when
 * either is not stored. The walk from `b` never goes below `a`'s lamport (invariant 2).
 */
export async function isAncestor(a: EventId, b: EventId, store: Pick<DagReader, 'get'>): Promise<boolean> {
  if (a === b) return false
  const found = await store.get([a, b])
  const ea = found.find((e) => e.id === a)
  const eb = found.find((e) => e.id === b)
  if (!ea || !eb || ea.lamport >= eb.lamport) return false
  return reaches([eb], ea, store)
}

/** Whether `target` is an ancestor of one of `from` (all stored, all above `target`). */
async function reaches(from: readonly TodoEvent[], target: TodoEvent, store: Pick<DagReader, 'get'>): Promise<boolean> {
  let frontier = from
  const seen = new Set<EventId>(from.map((e) => e.id))
  while (frontier.length > 0) {
    const next = new Set<EventId>()
    for (const e of frontier) {
      for (const p of e.parents) {
        if (p === target.id) return true
        if (!seen.has(p)) next.add(p)
      }
    }
    for (const p of next) seen.add(p)
    // Only events above the target can lead to it.
    frontier = (await store.get([...next])).filter((e) => e.lamport > target.lamport)
  }
  return false
}

/**
 * True when `a` and `b` are distinct stored events neither of which is an ancestor of the
 * other: made without seeing each other. False when either is not stored.
 */
export async function concurrent(a: EventId, b: EventId, store: Pick<DagReader, 'get'>): Promise<boolean> {
  if (a === b) return false
  const found = await store.get([a, b])
  if (found.length < 2) return false
  const [low, high] = found as [TodoEvent, TodoEvent] // (lamport, id) order: only `low` can be an ancestor
  return low.lamport === high.lamport || !(await reaches([high], low, store))
}

/**
 * What a peer whose DAG heads are `heads` lacks: every stored event that is neither one of
 * `heads` nor an ancestor of one, in (lamport, id) order. Heads we do not store are ignored
 * (the peer has events we lack; that is the other direction).
 *
 * Walks from our heads and theirs together by descending lamport (git's "ours ^theirs"):
 * an event reached from their heads is theirs, its parents too; one reached only from ours
 * is lacked. It stops once every event still queued is theirs, so the cost is about the
 * size of the difference plus the events at its border, not the size of the log.
 */
export async function lackedBy(heads: readonly EventId[], store: DagReader): Promise<TodoEvent[]> {
  const theirs = [...(await store.lamportsOf(heads)).keys()]
  if (theirs.length === 0) {
    const all: TodoEvent[] = []
    for await (const e of causalOrder(store)) all.push(e)
    return all
  }
  // true: the peer has it (one of its heads or their ancestor). false: lacked, so far.
  const held = new Map<EventId, boolean>()
  for (const id of theirs) held.set(id, true)
  for (const id of await store.heads()) if (!held.has(id)) held.set(id, false)
  const queue = new LevelQueue()
  const lackedQueued = new Set<EventId>() // the walk ends when no queued event is lacked
  const enqueue = (events: readonly TodoEvent[]) => {
    for (const e of events) {
      queue.push(e)
      if (!held.get(e.id)) lackedQueued.add(e.id)
    }
  }
  enqueue(await store.get([...held.keys()]))

  const lacked: TodoEvent[] = []
  while (lackedQueued.size > 0) {
    const level = queue.popLevel()!
    const fetch: EventId[] = []
    for (const e of level) {
      const theyHold = held.get(e.id)!
      if (lackedQueued.delete(e.id)) lacked.push(e)
      for (const p of e.parents) {
        const known = held.get(p)
        if (known === undefined) {
          held.set(p, theyHold)
          fetch.push(p)
        } else if (theyHold && !known) {
          // Also reached from their side before its turn came (its lamport is lower).
          held.set(p, true)
          lackedQueued.delete(p)
        }
      }
    }
    enqueue(await store.get(fetch))
  }
  return sortEvents(lacked)
}

/**
 * For each of `events`, the others among them that are its strict ancestors. One walk
 * down from all of them by descending lamport, carrying per visited event the set (a
 * bitmask) of `events` it is an ancestor-or-self of; it never goes below the lowest lamport
 * among `events` (invariant 2). Causality through events outside the set counts: two edits
 * of a todo separated only by another todo's event are still ordered.
 */
export async function ancestryWithin(events: readonly TodoEvent[], store: Pick<DagReader, 'get'>): Promise<Map<EventId, Set<EventId>>> {
  const members = sortEvents([...new Map(events.map((e) => [e.id, e])).values()])
  const result = new Map<EventId, Set<EventId>>(members.map((e) => [e.id, new Set<EventId>()]))
  if (members.length < 2) return result
  const bit = new Map(members.map((e, i) => [e.id, 1n << BigInt(i)]))
  const minLamport = members[0]!.lamport
  /** Visited event → mask of members it is an ancestor-or-self of (final once popped). */
  const below = new Map<EventId, bigint>(members.map((e) => [e.id, bit.get(e.id)!]))
  const queue = new LevelQueue()
  for (const e of members) queue.push(e)
  let membersLeft = members.length

  while (membersLeft > 0) {
    const level = queue.popLevel()!
    const fetch: EventId[] = []
    for (const e of level) {
      const mask = below.get(e.id)!
      if (bit.has(e.id)) {
        membersLeft--
        // `mask` is final: every member above reaching `e` was popped before it.
        for (const m of members) if (m.id !== e.id && mask & bit.get(m.id)!) result.get(m.id)!.add(e.id)
      }
      if (e.lamport <= minLamport) continue // its parents are all below the bound
      for (const p of e.parents) {
        const prev = below.get(p)
        if (prev === undefined) fetch.push(p)
        below.set(p, (prev ?? 0n) | mask)
      }
    }
    for (const p of await store.get(fetch)) if (p.lamport >= minLamport) queue.push(p)
  }
  return result
}

/** Events grouped by lamport, popped a whole level at a time, highest first. Push each once. */
class LevelQueue {
  readonly #levels = new Map<number, TodoEvent[]>()
  readonly #heap: number[] = [] // max-heap of the lamports in #levels

  push(e: TodoEvent): void {
    const level = this.#levels.get(e.lamport)
    if (level) return void level.push(e)
    this.#levels.set(e.lamport, [e])
    const h = this.#heap
    let i = h.push(e.lamport) - 1
    while (i > 0 && h[(i - 1) >> 1]! < h[i]!) i = swap(h, i, (i - 1) >> 1)
  }

  /** Removes and returns every event of the highest lamport queued; undefined when empty. */
  popLevel(): TodoEvent[] | undefined {
    const h = this.#heap
    const top = h[0]
    if (top === undefined) return undefined
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      for (let i = 0, c = 1; c < h.length; c = 2 * i + 1) {
        if (c + 1 < h.length && h[c + 1]! > h[c]!) c++
        if (h[c]! <= h[i]!) break
        i = swap(h, i, c)
      }
    }
    const level = this.#levels.get(top)!
    this.#levels.delete(top)
    return level
  }
}

/** Swaps two heap slots; returns `j`, where the moved value now is. */
function swap(h: number[], i: number, j: number): number {
  ;[h[i], h[j]] = [h[j]!, h[i]!]
  return j
}
