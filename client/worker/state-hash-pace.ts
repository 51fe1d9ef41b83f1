/**
 * StateHashPace: which snapshots carry the state hash.
 *
 * The hash (shared/state-hash.ts) is SHA-256 over every todo's digest: with 8k todos,
 * ~560 KB hashed per snapshot, 10-15 ms of the log worker in Node and more in a busy
 * Chromium. A 100k-event catch-up posts ~40 snapshots, and the hash of a state that
 * changes again within a frame tells nobody anything; the worker's time is what the
 * catch-up runs on. So during a catch-up a snapshot carries the hash only when none has
 * for `maxSkipMs` (a long or stalled catch-up still shows one now and then), and every
 * other snapshot carries it, including the one posted when the catch-up ends
 * (log-worker.ts schedules it). Snapshots without it send null: the UI shows no hash
 * until one comes.
 */
export interface StateHashPaceOptions {
  /** Milliseconds, monotonic (performance.now in the worker). */
  now: () => number
  /** The longest a catch-up goes without a snapshot carrying the hash. */
  maxSkipMs: number
}

export class StateHashPace {
  readonly #opts: StateHashPaceOptions
  /** When a snapshot last carried the hash. */
  #lastAt = -Infinity

  constructor(opts: StateHashPaceOptions) {
    this.#opts = opts
  }

  /** Whether the snapshot being made now carries the hash; `catchingUp`: a catch-up is streaming in. */
  due(catchingUp: boolean): boolean {
    const now = this.#opts.now()
    if (catchingUp && now - this.#lastAt < this.#opts.maxSkipMs) return false
    this.#lastAt = now
    return true
  }
}
