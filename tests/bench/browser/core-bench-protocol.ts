/**
 * Messages between the core bench page (core-bench-page.ts) and its dedicated workers
 * (core-bench-worker.ts), and what the Chromium half of the core suite returns to Node.
 *
 *   page ── run ──────────▶ worker A: builds the 100k log on OPFS, measures, closes it
 *   page ── cold-start ───▶ worker B, C, … (fresh each: no wasm loaded yet): open → visible
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

/** One timed cold start: open the database → TodoLog.open (no replay) → visible todos. */
export interface ColdStart {
  /** openOpfsStore: wasm module and VFS on first use in a worker, open, schema check. */
  openMs: number
  /** TodoLog.open: meta + loadTodos. */
  logOpenMs: number
  visibleMs: number
  /** open → visible list: the headline number. */
  totalMs: number
  /** What the app's first snapshot needs besides: count(), heads(), stateHash(). */
  snapshotExtrasMs: number
  countMs: number
  headsMs: number
  stateHashMs: number
  visibleTodos: number
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
  /** Same worker that built the database, which it closed first. */
  coldStarts: ColdStart[]
  /** A new worker each time, so its first openOpfsStore also loads wasm-sqlite. */
  freshWorkerColdStarts: ColdStart[]
  apply: ApplyResult
  rebuild: RebuildResult
}

/** What core-bench-page.ts puts on `window` for Playwright to call. */
export interface CoreBenchWindow {
  runCoreBench(config: CoreConfig): Promise<ChromiumCoreResult>
}
