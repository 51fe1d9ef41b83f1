/**
 * The core measurements, written once over the EventStore port so the same code runs
 * under Node (wa-sqlite in memory) and in the Chromium bench worker (wa-sqlite on OPFS).
 * Pure: no node:*, no DOM.
 *
 *   measureCodec    encodeEvent → decodeEvent (read, canonical check, validate, SHA-256)
 *   buildLog        store.commit in chunks with precomputed states (how base logs are made)
 *   measureIngest   TodoLog.ingest of a whole history into an empty log (catch-up speed)
 *   measureApply    ingest of one 100-event batch into a 1k log and a 100k log, interleaved
 *   measureRebuild  TodoLog.interpret(): replay of the whole log, plus where the time goes
 */
import type { TodoEvent } from '../../../shared/event.ts'
import { decodeEvent, encodeEvent, sealEvent } from '../../../shared/event-codec.ts'
import type { EventStore } from '../../../shared/event-store.ts'
import type { TodoId } from '../../../shared/ids.ts'
import { TodoLog } from '../../../shared/todo-log.ts'
import { foldTodo } from '../../../shared/todo-fold.ts'
import { sortEvents } from '../../../shared/order.ts'
import { median, timed } from '../suite.ts'

/** Events per TodoLog.ingest call while building a base log. */
export const BUILD_CHUNK = 5000

export interface CodecResult {
  /** encodeEvent + decodeEvent (which checks canonical form, validates and hashes), per pass. */
  fullPathEventsPerS: number[]
  /**
   * The same passes timed by this process's CPU time, when a CPU clock was given (Node):
   * what the code costs, apart from what other processes on a busy machine take.
   */
  fullPathCpuEventsPerS: number[]
  /** decodeEvent alone on pre-encoded bytes (a receiver's cost), per pass. */
  decodeEventsPerS: number[]
  /** sealEvent (encode + hash, an author's cost), per pass. */
  sealEventsPerS: number[]
}

/**
 * Codec throughput over `events` (all distinct), `passes` times after a short warm-up;
 * `fullPathOnly` skips the decode-only and seal passes. `cpuClock` (ms of this process's
 * CPU time) adds fullPathCpuEventsPerS.
 */
export function measureCodec(
  events: readonly TodoEvent[],
  passes: number,
  fullPathOnly = false,
  cpuClock?: () => number,
): CodecResult {
  const result: CodecResult = { fullPathEventsPerS: [], fullPathCpuEventsPerS: [], decodeEventsPerS: [], sealEventsPerS: [] }
  const fullPass = (list: readonly TodoEvent[]) => {
    const cpuStart = cpuClock?.() ?? 0
    const start = performance.now()
    for (const e of list) {
      const r = decodeEvent(encodeEvent(e))
      if (r.type !== 'ok' || r.event.id !== e.id) throw new Error(`codec round trip failed for ${e.id}`)
    }
    const ms = performance.now() - start
    if (cpuClock && list.length === events.length) result.fullPathCpuEventsPerS.push(list.length / ((cpuClock() - cpuStart) / 1000))
    return list.length / (ms / 1000)
  }
  fullPass(events.slice(0, 10_000)) // warm-up: let the JIT see the hot paths
  const encoded = fullPathOnly ? [] : events.map(encodeEvent)
  for (let pass = 0; pass < passes; pass++) {
    result.fullPathEventsPerS.push(fullPass(events))
    if (fullPathOnly) continue
    let start = performance.now()
    for (const bytes of encoded) if (decodeEvent(bytes).type !== 'ok') throw new Error('decode failed')
    result.decodeEventsPerS.push(encoded.length / ((performance.now() - start) / 1000))
    start = performance.now()
    for (const { id: _id, ...body } of events) sealEvent(body)
    result.sealEventsPerS.push(events.length / ((performance.now() - start) / 1000))
  }
  return result
}

/**
 * Fills an empty store with `events` (delivery order) the fast way: store.commit in
 * chunks of BUILD_CHUNK with the todo states TodoLog would have materialized (lww), then
 * opens a TodoLog on it (which reads those states). Skips TodoLog.ingest's per-event
 * lookups, which are not what the benchmark is about; measureIngest times those.
 */
export async function buildLog(store: EventStore, events: readonly TodoEvent[]): Promise<{ log: TodoLog; commitMs: number }> {
  await TodoLog.open(store) // records the interpretation on the empty store
  const byTodo = new Map<TodoId, TodoEvent[]>()
  let commitMs = 0
  for (let i = 0; i < events.length; i += BUILD_CHUNK) {
    const chunk = events.slice(i, i + BUILD_CHUNK)
    const touched = new Set<TodoId>()
    for (const e of chunk) {
      const list = byTodo.get(e.todo)
      if (list) list.push(e)
      else byTodo.set(e.todo, [e])
      touched.add(e.todo)
    }
    const states = [...touched].map((t) => foldTodo(t, byTodo.get(t)!))
    commitMs += (await timed(() => store.commit(sortEvents(chunk), states))).ms
  }
  const stored = await store.count()
  if (stored !== events.length) throw new Error(`built a log of ${stored} events, expected ${events.length}`)
  return { log: await TodoLog.open(store), commitMs }
}

/** TodoLog.ingest of `events` (delivery order) in one call into a fresh, empty log: events/s. */
export async function measureIngest(store: EventStore, events: readonly TodoEvent[]): Promise<number> {
  const log = await TodoLog.open(store)
  const { ms, value } = await timed(() => log.ingest(events))
  if (value.length !== events.length) throw new Error('ingest skipped events of a fresh log')
  return events.length / (ms / 1000)
}

export interface ApplyInput {
  /** A fresh, empty store for one small-log repetition, and how to dispose of it. */
  freshStore: () => Promise<{ store: EventStore; dispose: () => Promise<void> }>
  smallBase: readonly TodoEvent[]
  smallBatch: readonly TodoEvent[]
  /** The large log, already built; batch i extends it (so it grows by 100 per repetition). */
  large: TodoLog
  largeBatches: readonly (readonly TodoEvent[])[]
  /** Leading repetitions not counted. */
  warmup: number
}

export interface ApplyResult {
  smallMs: number[]
  largeMs: number[]
  smallMedianMs: number
  largeMedianMs: number
  ratio: number
}

/**
 * Times TodoLog.ingest of a 100-event batch on a small and a large log, alternating the two
 * so drift (GC, JIT, caches) hits both alike. The small log is rebuilt for every repetition
 * and meets the same batch; the large one meets the next batch of its own history.
 */
export async function measureApply(input: ApplyInput): Promise<ApplyResult> {
  const smallMs: number[] = []
  const largeMs: number[] = []
  for (let i = 0; i < input.largeBatches.length; i++) {
    const { store, dispose } = await input.freshStore()
    const { log: small } = await buildLog(store, input.smallBase)
    const s = await timed(() => small.ingest(input.smallBatch))
    await dispose()
    const batch = input.largeBatches[i]!
    const l = await timed(() => input.large.ingest(batch))
    if (s.value.length !== input.smallBatch.length || l.value.length !== batch.length) {
      throw new Error('an apply batch was partly known already: the benchmark history is wrong')
    }
    if (i >= input.warmup) {
      smallMs.push(s.ms)
      largeMs.push(l.ms)
    }
  }
  const smallMedianMs = median(smallMs)
  const largeMedianMs = median(largeMs)
  return { smallMs, largeMs, smallMedianMs, largeMedianMs, ratio: largeMedianMs / smallMedianMs }
}

export interface RebuildResult {
  events: number
  todos: number
  /** Each TodoLog.interpret() switch (alternating sticky-complete and lww). */
  rebuildMs: number[]
  eventsPerS: number
  /** One rebuild taken apart (null when not asked for): reading every event, folding in JS, writing the states. */
  readMs: number | null
  foldMs: number | null
  writeMs: number | null
}

/**
 * Times `switches` interpretation switches on `log` (sticky-complete, lww, …), then, if
 * asked, one lww rebuild in parts (which leaves the states as an lww rebuild would).
 */
export async function measureRebuild(log: TodoLog, switches: number, breakdown: boolean): Promise<RebuildResult> {
  const events = await log.store.count()
  const rebuildMs: number[] = []
  for (let i = 0; i < switches; i++) {
    rebuildMs.push((await timed(() => log.interpret(i % 2 === 0 ? 'sticky-complete' : 'lww'))).ms)
  }
  const medianMs = median(rebuildMs)
  if (!breakdown || log.interpretation !== 'lww') {
    return { events, todos: log.states().length, rebuildMs, eventsPerS: events / (medianMs / 1000), readMs: null, foldMs: null, writeMs: null }
  }
  // The same work as TodoLog's private rebuild, step by step (states end up as they were).
  const read = await timed(() => log.store.eventsAfter(new Map()))
  const fold = await timed(() => {
    const byTodo = new Map<TodoId, TodoEvent[]>()
    for (const e of read.value) {
      const list = byTodo.get(e.todo)
      if (list) list.push(e)
      else byTodo.set(e.todo, [e])
    }
    return [...byTodo].map(([id, list]) => foldTodo(id, list))
  })
  const write = await timed(() => log.store.replaceTodos(fold.value))
  return {
    events,
    todos: fold.value.length,
    rebuildMs,
    eventsPerS: events / (medianMs / 1000),
    readMs: read.ms,
    foldMs: fold.ms,
    writeMs: write.ms,
  }
}
