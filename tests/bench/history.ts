/**
 * Realistic, seeded todo histories for the benchmarks. Pure: runs in Node and in the
 * browser worker, so both build the very same events from the same seed.
 *
 *   live replicas r1..r3 ── one shared chain (an author keeps the pen for a few events)
 *                          └─ now and then two of them write at once on the same heads
 *                             (a fork of two events; the next event merges it)
 *   offline replicas r4, r5 ── sync (remember the heads), stay away for a while, then
 *                              deliver a short chain written on those old heads: late
 *                              events that sort before what others wrote since
 *
 * Events come out in delivery order (a late burst after the events it is concurrent
 * with), which is how a replica receives them; TodoLog.ingest sorts each batch.
 * Invariant kept for the sync protocol's sake: every replica's new event has all of that
 * replica's earlier events as ancestors (an offline replica resyncs right after its
 * burst is delivered).
 *
 * `applyBatch` produces the 100-event batch the apply benchmark ingests: 90 live events
 * on a handful of "focus" todos (one of them new) and 10 late events from an offline
 * replica on two of them, whose sync point is one batch old — so those two todos are
 * recomputed from their own events, the others fold forward. Building the tail of every
 * base history with the same batches makes the 1k and 100k measurements comparable.
 */
import type { EventId, ReplicaId, TodoId } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import { sealEvent } from '../../shared/event-codec.ts'
import { replica, rng, todo } from '../helpers/fixtures.ts'

const LIVE = [replica(1), replica(2), replica(3)]
const OFFLINE = [replica(4), replica(5)]
const FOCUS_SIZE = 5
/** Batches at the end of every base history, so the measured batch meets a steady state. */
export const TAIL_BATCHES = 5
export const BATCH_SIZE = 100
const LATE_PER_BATCH = 10

const WORDS = ['buy', 'milk', 'call', 'mum', 'fix', 'the', 'bike', 'review', 'pull', 'request', 'book', 'flights',
  'water', 'plants', 'write', 'report', 'pay', 'rent', 'clean', 'kitchen', 'plan', 'sprint', 'email', 'dentist']
const LISTS = ['home', 'work', 'errands', 'someday', 'shopping']

interface TodoInfo {
  id: TodoId
  completed: boolean
  /** Number of events generated before the todo was created: who synced after it knows it. */
  createdAt: number
}

interface OfflineReplica {
  id: ReplicaId
  heads: TodoEvent[]
  syncedAt: number
}

export class HistoryGenerator {
  readonly #next: () => number
  #heads: TodoEvent[] = []
  #count = 0
  #todoSerial = 0
  #time = 1_700_000_000_000
  #pen: ReplicaId = LIVE[0]!
  /** Todos that are not deleted, oldest first. */
  #active: TodoInfo[] = []
  #focus: TodoInfo[] = []
  readonly #offline: OfflineReplica[]
  #offlineTurn = 0

  constructor(seed: number) {
    this.#next = rng(seed)
    this.#offline = OFFLINE.map((id) => ({ id, heads: [], syncedAt: 0 }))
  }

  /** Events generated so far. */
  get count(): number {
    return this.#count
  }

  /**
   * A base history of exactly `size` events (size ≥ TAIL_BATCHES · BATCH_SIZE + 50): a
   * random stream, then TAIL_BATCHES apply batches so the next `applyBatch` meets the
   * same kind of state whatever the size.
   */
  base(size: number): TodoEvent[] {
    const tail = TAIL_BATCHES * BATCH_SIZE
    if (size < tail + 50) throw new Error(`a base history needs at least ${tail + 50} events`)
    const out = this.stream(size - tail)
    for (let i = 0; i < TAIL_BATCHES; i++) out.push(...this.applyBatch())
    return out
  }

  /** `size` events of random activity (live edits, forks, late offline bursts). */
  stream(size: number): TodoEvent[] {
    const out: TodoEvent[] = []
    const target = this.#count + size
    while (this.#count < target) {
      const left = target - this.#count
      const r = this.#next()
      const off = this.#offline[Math.floor(this.#next() * this.#offline.length)]!
      if (r < 0.004 && left >= 12 && this.#count - off.syncedAt > 50) {
        const known = this.#active.filter((t) => t.createdAt < off.syncedAt)
        const picks = known.length === 0 ? [] : [this.#recent(known), this.#recent(known)]
        if (picks.length > 0) {
          out.push(...this.#burst(off, 3 + Math.floor(this.#next() * 9), picks))
          continue
        }
      }
      if (r < 0.05 && left >= 2 && this.#active.length > 0) {
        out.push(...this.#fork([this.#recent(this.#active), this.#recent(this.#active)]))
        continue
      }
      if (r < 0.15 && left >= 3) {
        out.push(...this.#create())
        continue
      }
      if (this.#active.length === 0) {
        if (left < 3) throw new Error('history generator ran out of todos')
        out.push(...this.#create())
        continue
      }
      out.push(this.#live(this.#recent(this.#active), true))
    }
    for (const off of this.#offline) this.#sync(off)
    this.#focus = this.#active.slice(-FOCUS_SIZE)
    return out
  }

  /** The next BATCH_SIZE events to apply: see the module header. Delivery order. */
  applyBatch(): TodoEvent[] {
    const off = this.#offline[this.#offlineTurn++ % this.#offline.length]!
    const out: TodoEvent[] = []
    // One new todo joins the focus, the oldest leaves it.
    const created = this.#create()
    out.push(...created)
    this.#focus = [...this.#focus.slice(1 - FOCUS_SIZE), this.#active.at(-1)!]
    while (out.length < BATCH_SIZE - LATE_PER_BATCH) {
      const left = BATCH_SIZE - LATE_PER_BATCH - out.length
      if (this.#next() < 0.05 && left >= 2) out.push(...this.#fork([this.#pick(this.#focus), this.#pick(this.#focus)]))
      else out.push(this.#live(this.#pick(this.#focus), false))
    }
    const known = this.#focus.filter((t) => t.createdAt < off.syncedAt)
    out.push(...this.#burst(off, LATE_PER_BATCH, known.slice(0, 2)))
    return out
  }

  /** A live event by the replica holding the pen, on the current heads. */
  #live(t: TodoInfo, mayDelete: boolean): TodoEvent {
    if (this.#next() < 0.1) this.#pen = LIVE[Math.floor(this.#next() * LIVE.length)]!
    const { type, value } = this.#edit(t, mayDelete)
    return this.#append(this.#heads, this.#pen, t, type, value)
  }

  /** Two live replicas write at once on the same heads. */
  #fork(todos: [TodoInfo, TodoInfo]): TodoEvent[] {
    const base = this.#heads
    const a = LIVE[Math.floor(this.#next() * LIVE.length)]!
    const b = LIVE.find((r) => r !== a)!
    return [this.#append(base, a, todos[0], ...this.#editPair(todos[0])), this.#append(base, b, todos[1], ...this.#editPair(todos[1]))]
  }

  /** A new todo: create, its text, often a list. */
  #create(): TodoEvent[] {
    const t: TodoInfo = { id: todo(++this.#todoSerial), completed: false, createdAt: this.#count }
    this.#active.push(t)
    const out = [this.#append(this.#heads, this.#pen, t, 'create', null)]
    out.push(this.#append(this.#heads, this.#pen, t, 'set_content', this.#text()))
    out.push(this.#append(this.#heads, this.#pen, t, 'add_to_list', this.#pick(LISTS)))
    return out
  }

  /** An offline replica's chain on its old heads, touching `todos`; then it resyncs. */
  #burst(off: OfflineReplica, n: number, todos: TodoInfo[]): TodoEvent[] {
    const out: TodoEvent[] = []
    let heads = off.heads
    for (let i = 0; i < n; i++) {
      const t = todos[i % todos.length]!
      const e = this.#append(heads, off.id, t, ...this.#editPair(t))
      heads = [e]
      out.push(e)
    }
    this.#sync(off)
    return out
  }

  #sync(off: OfflineReplica): void {
    off.heads = this.#heads
    off.syncedAt = this.#count
  }

  #editPair(t: TodoInfo): [string, EventValue] {
    const { type, value } = this.#edit(t, false)
    return [type, value]
  }

  #edit(t: TodoInfo, mayDelete: boolean): { type: string; value: EventValue } {
    const r = this.#next()
    // Deleted: now and then, and more often once done ("clear completed").
    if (mayDelete && (r >= 0.96 || (t.completed && r < 0.15))) {
      this.#active.splice(this.#active.indexOf(t), 1)
      return { type: 'delete', value: null }
    }
    if (r < 0.45) return { type: 'set_content', value: this.#text() }
    if (r < 0.8) {
      t.completed = !t.completed
      return { type: 'complete', value: t.completed }
    }
    if (r < 0.92) return { type: 'add_to_list', value: this.#pick(LISTS) }
    if (r < 0.93) return { type: 'set_due', value: '2026-12-01' } // a newer peer's type
    return { type: 'set_content', value: this.#text() }
  }

  /** Appends an event on `parents` (not necessarily the global heads) and updates the heads. */
  #append(parents: TodoEvent[], author: ReplicaId, t: TodoInfo, type: string, value: EventValue): TodoEvent {
    this.#time += 1 + Math.floor(this.#next() * 60_000)
    let lamport = 0
    for (const p of parents) lamport = Math.max(lamport, p.lamport)
    const e = sealEvent({
      parents: parents.map((p) => p.id).sort() as EventId[],
      lamport: lamport + 1,
      author,
      todo: t.id,
      type,
      value,
      time: this.#time,
    })
    const parentIds = new Set(e.parents)
    // A fork's second event names the same parents as the first: keep the first as a head.
    const dropped = this.#heads.filter((h) => !parentIds.has(h.id))
    this.#heads = [...dropped, e]
    this.#count++
    return e
  }

  /** A todo, most likely a recently created one. */
  #recent(list: TodoInfo[]): TodoInfo {
    const u = this.#next()
    return list[list.length - 1 - Math.floor(list.length * u * u * u * u)]!
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#next() * list.length)]!
  }

  #text(): string {
    const n = 2 + Math.floor(this.#next() * 5)
    return Array.from({ length: n }, () => this.#pick(WORDS)).join(' ')
  }
}
