/**
 * UiYield: the log worker steps aside while the UI thread renders what it just posted.
 *
 * During a large catch-up the worker validates, hashes and stores events flat out: one
 * core, all the time. On a machine with two cores that also runs the sending peer (or
 * any other busy program) the UI thread then waits for a core in the middle of its
 * tasks: the ui bench's traces showed tasks of 15–20 ms of UI-thread CPU taking 55–120
 * ms of wall time, the rest spent runnable but not running. Browsers offer no thread
 * priorities for workers, so the worker yields by itself: after posting a snapshot it
 * holds back further catch-up batches until the UI says it has rendered that snapshot
 * (a frame has been produced), or until `maxWaitMs` has passed, so a tab that renders
 * no frames (hidden, throttled, or a UI that never answers) cannot stall the log.
 *
 *   worker: post(snapshot) → posted()          UI thread: apply snapshot, next frame,
 *           next events batch: await settled()   then post 'rendered' → rendered()
 *
 * Only catch-up batches wait (ReplicaNode's gatherFrames); local edits, queries and
 * handshakes never do. The cost is the UI's render time per snapshot, a few per second.
 * The parts of a big patch wait the same way, a few per frame (todo-patch.ts postInGroups).
 */

/** Longest a catch-up batch waits for the UI to render a snapshot. */
export const UI_YIELD_MAX_WAIT_MS = 100

export class UiYield {
  readonly #maxWaitMs: number
  #pending: { promise: Promise<void>; release: () => void } | null = null

  constructor(maxWaitMs = UI_YIELD_MAX_WAIT_MS) {
    this.#maxWaitMs = maxWaitMs
  }

  /** A snapshot was posted: bulk work waits until rendered() or the time limit. */
  posted(): void {
    if (this.#pending) return // still waiting for an earlier one: that wait covers this
    let release!: () => void
    const promise = new Promise<void>((resolve) => (release = resolve))
    const timer = setTimeout(() => this.#release(), this.#maxWaitMs)
    this.#pending = {
      promise,
      release: () => {
        clearTimeout(timer)
        release()
      },
    }
  }

  /** The UI rendered what was posted. Without a wait under way: nothing to do. */
  rendered(): void {
    this.#release()
  }

  /** Resolves once the UI has rendered the last snapshot posted (at once if it has). */
  settled(): Promise<void> {
    return this.#pending?.promise ?? Promise.resolve()
  }

  /** Whether bulk work is waiting for the UI right now. */
  get waiting(): boolean {
    return this.#pending !== null
  }

  #release(): void {
    const pending = this.#pending
    this.#pending = null
    pending?.release()
  }
}
