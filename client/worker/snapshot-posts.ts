/**
 * SnapshotPosts: when the log worker posts snapshots of the log to the UI thread, and
 * how catch-up progress travels with them.
 *
 * Snapshots are coalesced (a burst of stored batches asks for one, taken in a later
 * task) and made strictly one after another, so each patch applies to the list the one
 * before left (todo-patch.ts). Everything else that must stay in order with them (the
 * first snapshot, on open) runs on the same chain.
 *
 * Progress must not reach the UI before the snapshot holding the events it counts: the
 * end of a catch-up arriving first made the list draw its newest rows (shown only once
 * a catch-up is over) from an incomplete list, and replace them a moment later. So
 * progress reported while a snapshot is scheduled and not yet posted rides on that
 * snapshot's own message: the UI applies both in one task and draws them in one frame.
 * Posted after it as a message of its own, as it used to be (6-17 ms later), it often
 * missed that frame and made one more, a frame the log worker does not wait for
 * (ui-yield.ts): a 100k-event catch-up posted ~17 such messages, and its frames fell
 * from 46-59 to 37-51 once progress rode in snapshots (`npm run bench -- ui` traces).
 * Progress reported with no snapshot pending is posted at once; if the snapshot it was
 * to ride on fails, it is posted right after that failure.
 */
import type { SyncProgress } from '../../shared/sync/sync-engine.ts'

export interface SnapshotPostsOptions {
  /**
   * Makes and posts one snapshot. `progress()`, called when its message is posted, gives
   * the progress to put in that message (undefined: none). Rejects if making it failed;
   * it may also post nothing. Either way, progress it did not take is posted after it.
   */
  snapshot(progress: () => SyncProgress | undefined): Promise<void>
  /** Posts progress in a message of its own. */
  progress(progress: SyncProgress): void
  /** Queues `task` for a later task (setTimeout 0 in the worker; tests step it by hand). */
  later(task: () => void): void
  warn(message: string, err: unknown): void
}

export class SnapshotPosts {
  readonly #opts: SnapshotPostsOptions
  /** Everything posted in order runs on this chain. */
  #chain: Promise<void> = Promise.resolve()
  /** A snapshot is scheduled and not yet started: asking again adds none. */
  #queued = false
  /** Snapshots are numbered as scheduled; #postedNo is the last one done (posted or failed). */
  #scheduledNo = 0
  #postedNo = 0
  /** Progress waiting to ride on snapshot `on` (it is the one scheduled last). */
  #carried: { progress: SyncProgress; on: number } | null = null
  #posted: Promise<void> = Promise.resolve()

  constructor(opts: SnapshotPostsOptions) {
    this.#opts = opts
  }

  /** Runs `task` after everything already on the chain (e.g. the first snapshot). */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(task)
    this.#chain = result.then(
      () => undefined,
      () => undefined, // the caller hears of a failure; the chain goes on
    )
    return result
  }

  /** Asks for a snapshot in a later task (one for any number of asks meanwhile). */
  schedule(): void {
    if (this.#queued) return
    this.#queued = true
    const no = ++this.#scheduledNo
    let done!: () => void
    this.#posted = new Promise((resolve) => (done = resolve))
    this.#opts.later(() => {
      this.#queued = false
      void this.run(async () => {
        try {
          await this.#opts.snapshot(() => this.#take(no))
        } catch (err) {
          this.#opts.warn('snapshot failed', err)
        }
        this.#postedNo = no
        const left = this.#take(no) // its snapshot failed, or posted without asking
        if (left) this.#opts.progress(left)
        done()
      })
    })
  }

  /** Resolves once the snapshot scheduled last has been posted (or has failed). */
  posted(): Promise<void> {
    return this.#posted
  }

  /** Catch-up progress to show: with the pending snapshot if there is one, else now. */
  progress(progress: SyncProgress): void {
    if (this.#postedNo < this.#scheduledNo) this.#carried = { progress, on: this.#scheduledNo }
    else this.#opts.progress(progress)
  }

  #take(no: number): SyncProgress | undefined {
    const carried = this.#carried
    if (!carried || carried.on > no) return undefined
    this.#carried = null
    return carried.progress
  }
}
