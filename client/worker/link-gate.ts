/**
 * LinkGate: a large catch-up into a fresh replica waits until its warm-up is done.
 *
 * The warm-up (sqlite-warm-up.ts) gets V8 to compile SQLite's wasm and the receiving
 * side's JavaScript before a catch-up needs them. It used to run only until the first
 * link began a catch-up, and the compiling it started went on on V8's thread pool for a
 * second or so more: in Chrome traces of `npm run bench -- ui`, 1.7 s of thread-pool CPU
 * between 1 s before and 1 s after the catch-up's first progress (SQLite's wasm top tier
 * ~610 ms, Maglev ~400 ms, Turbofan ~200 ms), more than a core at times, just when the UI
 * draws the first todos. With the sending browser on the same two cores, 8 of 20 visits
 * had a UI task over 50 ms there, and the first todos showed 875 ms into the catch-up
 * (median). Starting the links 800 ms later, as an experiment: 2 of 20, and 299 ms.
 *
 * So while a replica that opened with an empty log warms up, the gate is armed. Links
 * open and say hello as usual, and a small catch-up goes straight in. Once a peer
 * announces a catch-up of at least LINK_GATE_MIN_CATCH_UP events, the gate holds every
 * link input after that announcement (frames, openings, backlogs, closings) until a
 * little after the warm-up is done (LINK_GATE_SETTLE_MS), or until LINK_GATE_MAX_WAIT_MS
 * after it was armed; then it runs them in the order they came. The progress bar shows the
 * total meanwhile. The peer sends its first window of events (slow start,
 * sync-engine.ts) and waits for their ack. Local edits and queries never wait.
 */

/** Longest a fresh replica's gate stays armed. */
export const LINK_GATE_MAX_WAIT_MS = 3000
/**
 * How long after the warm-up the links still wait, for the compiling it set off. In
 * Chrome traces of the ui bench (v8.compile and v8.wasm categories, 2 visits), V8's
 * thread pool went on compiling for the catch-up's first 500-750 ms when the links went
 * as soon as the warm-up's last step was done: Turbofan ~105 ms and Maglev ~30 ms of CPU in
 * the first 250 ms, ~50 ms of SQLite's wasm top tier around 500 ms.
 */
export const LINK_GATE_SETTLE_MS = 500

/** Catch-ups this large wait for the warm-up; smaller ones are over before it matters. */
export const LINK_GATE_MIN_CATCH_UP = 8192

export class LinkGate {
  /** Armed: a warm-up is under way (until it has settled). */
  #armed = false
  /** Inputs held, in order; null unless holding. */
  #queue: Array<() => void> | null = null
  readonly #warn: (message: string, err: unknown) => void

  constructor(warn: (message: string, err: unknown) => void) {
    this.#warn = warn
  }

  /**
   * Arms the gate until `settleMs` after `until` settles (resolved or rejected: a failed
   * warm-up still lets the links go), or until `maxWaitMs` has passed, whichever comes
   * first; then it runs what it held and opens for good. Once per gate.
   */
  arm(until: Promise<unknown>, { settleMs = LINK_GATE_SETTLE_MS, maxWaitMs = LINK_GATE_MAX_WAIT_MS } = {}): void {
    if (this.#armed) return
    this.#armed = true
    const timers: Array<ReturnType<typeof setTimeout>> = []
    const after = (ms: number) => new Promise<void>((resolve) => timers.push(setTimeout(resolve, ms)))
    const settled = until.then(noop, noop).then(() => after(settleMs))
    void Promise.race([settled, after(maxWaitMs)]).then(() => {
      for (const timer of timers) clearTimeout(timer)
      this.#armed = false
      this.#open()
    })
  }

  /** Whether a warm-up is under way, so that hold() would hold. */
  get armed(): boolean {
    return this.#armed
  }

  /** While armed: inputs passed from now on wait until it is no longer. Else nothing. */
  hold(): void {
    if (this.#armed && this.#queue === null) this.#queue = []
  }

  /** Whether inputs are being held. */
  get holding(): boolean {
    return this.#queue !== null
  }

  /** Runs `input` now, or, while the gate holds, once it opens, after the inputs held before it. */
  pass(input: () => void): void {
    if (this.#queue === null) input()
    else this.#queue.push(input)
  }

  /** Runs the held inputs in order, and any they pass meanwhile after them. */
  #open(): void {
    const queue = this.#queue ?? []
    for (let i = 0; i < queue.length; i++) {
      try {
        queue[i]!()
      } catch (err) {
        this.#warn('a held link input failed', err) // the inputs after it still run
      }
    }
    this.#queue = null
  }
}

const noop = (): void => undefined
