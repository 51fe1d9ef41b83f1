/**
 * SyncStep: sqlite3_step and sqlite3_reset called straight on the wasm module, without
 * wa-sqlite's async wrappers, whenever the VFS has no asynchronous work for them.
 *
 * wa-sqlite's `step` and `reset` are async for every build: each call goes through
 * Emscripten's ccall (a function lookup and argument conversion per call), an async
 * `retry` helper and a check, and the caller awaits the result. A 100k-event catch-up
 * runs ~300k statements (an event row, its parent links, heads, todo states), so that
 * machinery is paid 600k times; in a Node CPU profile of a 100k catch-up into SQLite
 * (both sides in one process) it came to over a second of self time.
 *
 * The builds we use are synchronous (the sync build with OPFSCoopSyncVFS in the worker,
 * MemoryVFS under Node), so the exported function returns its result at once. The only
 * asynchronous case is the VFS asking for a retry: OPFSCoopSyncVFS returns SQLITE_BUSY
 * and queues `retryOps` (e.g. while it waits for another tab to release the file), and
 * wa-sqlite's `retry` awaits them and calls again. Here that case, and anything else
 * unusual (queued `pendingOps`, an error code), is handed to wa-sqlite's own `step` /
 * `reset`, which wait, retry, and throw its SQLiteError with SQLite's message as before.
 */
import * as SQLite from '@journeyapps/wa-sqlite/src/sqlite-constants.js'
import { SQLiteError } from '@journeyapps/wa-sqlite'

/** The parts of wa-sqlite's Emscripten module used here (SQLite.Factory adds the op queues). */
export interface StepWasm {
  _sqlite3_step(stmt: number): number
  _sqlite3_reset(stmt: number): number
  /** Operations a VFS queued before asking for a retry (wa-sqlite's sqlite-api.js). */
  retryOps: unknown[]
  /** Operations a VFS queued to finish after a call (wa-sqlite's sqlite-api.js). */
  pendingOps: unknown[]
}

export class SyncStep {
  readonly #sqlite3: SQLiteAPI
  readonly #wasm: StepWasm

  constructor(sqlite3: SQLiteAPI, wasm: StepWasm) {
    this.#sqlite3 = sqlite3
    this.#wasm = wasm
  }

  /** SQLITE_ROW or SQLITE_DONE; a promise of one only when the VFS has async work. */
  step(stmt: number): number | Promise<number> {
    const wasm = this.#wasm
    const rc = wasm._sqlite3_step(stmt)
    if ((rc === SQLite.SQLITE_ROW || rc === SQLite.SQLITE_DONE) && wasm.retryOps.length === 0 && wasm.pendingOps.length === 0) return rc
    return this.#stepSlowly(stmt, rc)
  }

  /**
   * Resets `stmt`. Throws (an SQLiteError with SQLite's code) if its last step failed:
   * sqlite3_reset returns that step's error.
   */
  reset(stmt: number): void | Promise<void> {
    const wasm = this.#wasm
    const rc = wasm._sqlite3_reset(stmt)
    if (rc !== SQLite.SQLITE_OK) throw new SQLiteError(`sqlite3_reset: the last step failed (SQLite code ${rc})`, rc)
    if (wasm.retryOps.length === 0 && wasm.pendingOps.length === 0) return
    return this.#resetSlowly(stmt)
  }

  async #stepSlowly(stmt: number, rc: number): Promise<number> {
    // The VFS asked for a retry: wa-sqlite waits for its operations and steps again.
    if (this.#wasm.retryOps.length > 0) return this.#sqlite3.step(stmt)
    await this.#settlePending()
    if (rc === SQLite.SQLITE_ROW || rc === SQLite.SQLITE_DONE) return rc
    // The step failed: sqlite3_reset returns that step's error, and wa-sqlite's reset
    // throws it with SQLite's message, as wa-sqlite's step would have.
    await this.#sqlite3.reset(stmt)
    throw new SQLiteError(`sqlite3_step failed (SQLite code ${rc})`, rc) // reset reported nothing
  }

  async #resetSlowly(stmt: number): Promise<void> {
    await this.#settlePending()
    // The VFS asked for a retry: wa-sqlite waits for it and resets once more (harmless).
    if (this.#wasm.retryOps.length > 0) await this.#sqlite3.reset(stmt)
  }

  /** Finishes operations a VFS queued, as wa-sqlite's retry does after a call. */
  async #settlePending(): Promise<void> {
    const wasm = this.#wasm
    if (wasm.pendingOps.length === 0) return
    try {
      await Promise.all(wasm.pendingOps)
    } finally {
      wasm.pendingOps = []
    }
  }
}
