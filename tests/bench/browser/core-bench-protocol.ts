/**
 * Messages between the core bench page (core-bench-page.ts) and its dedicated workers
 * (core-bench-worker.ts), and what the Chromium half of the core suite returns to Node.
 *
 *   page ── run ──────────▶ worker A: builds the 100k log on OPFS, measures, closes it
 *   page ── cold-start ───▶ worker B, C, … (fresh each: no wasm loaded yet): open → first snapshot
 *   page ── cleanup ──────▶ worker A: deletes the database files
 *   worker ── progress | done | failed ──▶ page
 */
import type { CoreConfig } from '../core/config.ts'
import type { ApplyResult, CodecResult, RebuildResult } from '../core/log-measures.ts'

export type ToBenchWorker =
  | { type: 'run'; config: CoreConfig; file: string }
  | { type: 'cold-start'; file: string }
  | { type: 'cleanup'; file: string }

export type FromBenchWorker =
  | { type: 'progress'; text: string }
  | { type: 'done'; result: unknown }
  | { type: 'failed'; message: string }

/**
 * One timed cold start, as the log worker opens a replica: open the database →
 * TodoLog.open (no replay) → the first snapshot, which the UI renders.
 */
export interface ColdStart {
  /** openOpfsStore: wasm module and VFS on first use in a worker, open, schema check. */
  openMs: number
  /** TodoLog.open: meta + loadTodos. */
  logOpenMs: number
  /** logSnapshot without the state hash: visible todos, count(), heads(). */
  firstSnapshotMs: number
  /** open → first snapshot: the headline number (from fresh workers). */
  totalMs: number
  /** The state hash the worker's next snapshot adds (every todo digested once). */
  stateHashMs: number
  visibleTodos: number
  eventCount: number
  todoStates: number
}

export interface ChromiumCoreResult {
  userAgent: string
  codec: CodecResult
  commitEventsPerS: number
  ingestEventsPerS: number
  events: number
  dbBytes: number
  journalBytes: number | null
  /** Same worker that built the database, which it closed first (wasm already loaded). */
  coldStarts: ColdStart[]
  /** A new worker each time, as a new tab gets: its openOpfsStore also loads wasm-sqlite. */
  freshWorkerColdStarts: ColdStart[]
  apply: ApplyResult
  rebuild: RebuildResult
}

/** What core-bench-page.ts puts on `window` for Playwright to call. */
export interface CoreBenchWindow {
  runCoreBench(config: CoreConfig): Promise<ChromiumCoreResult>
}
