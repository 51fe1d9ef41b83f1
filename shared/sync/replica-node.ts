/**
 * ReplicaNode: the owner that wires one replica's TodoLog to its SyncEngine.
 *
 *   transport ──frames──▶ ┌───────────── serial queue ─────────────┐
 *   user actions ───────▶ │ SyncEngine → effects → store / send    │ ──frames──▶ transport
 *                         └────────────────────────────────────────┘
 *
 * Every input (frame, link change, local action) runs to completion, effects included,
 * before the next starts: that is the engine's invariant 1, and it keeps the
 * wa-sqlite connection from interleaving transactions. The worker and the in-memory
 * simulator both use this class, so tests exercise the same wiring as the app.
 *
 * Batching: events frames from one peer that arrive while earlier inputs are still being
 * handled join one input (up to MAX_FRAMES_PER_BATCH), so a catch-up commits in a few
 * large transactions rather than one per frame: on OPFS each commit costs a flush. Only
 * consecutive frames join: any other input queued in between closes the batch, so the
 * order of inputs is kept.
 *
 * Flow control of a streamed catch-up (sender side): each page is read and handed to
 * `send` in one input, faster than a data channel drains. When the transport's queue
 * for a peer grows too long it says so (`backlog(peer, true)`), and the next page for
 * that peer waits until the queue has drained (`backlog(peer, false)`) or the link
 * closes. Only the stream waits: other inputs, and live events to that peer, go on.
 */
import type { ReplicaId, RoomId, TodoId } from '../ids.ts'
import type { EventValue, TodoEvent } from '../event.ts'
import type { Logger } from '../log.ts'
import type { LocalAction, TodoLog } from '../todo-log.ts'
import type { InterpretationName } from '../interpretations/interpretation.ts'
import { type PeerId, type SyncEffect, SyncEngine } from './sync-engine.ts'
import { isEventsFrame } from './messages.ts'

/**
 * At most this many events frames (~200 KiB, ~1,800 events each) are handled as one
 * input. Four cut a 100k catch-up's commits on OPFS from 55 to about 15, and still let
 * the progress bar move several times during a 10k catch-up (it advances per input).
 */
export const MAX_FRAMES_PER_BATCH = 4

/** Frames queued as one input, still open to more events frames from the same peer. */
interface FrameBatch {
  peer: PeerId
  frames: Uint8Array[]
  /** False once it holds a frame that is not an events frame: then it takes no more. */
  eventsOnly: boolean
  done: Promise<void>
}

export interface ReplicaNodeOptions {
  replica: ReplicaId
  room: RoomId
  log: TodoLog
  logger: Logger
  /** Hands a frame to the transport; must not throw (a dead link drops it). */
  send(peer: PeerId, bytes: Uint8Array): void
  /**
   * Awaited before an events batch is handled, to let frames already delivered to this
   * thread reach `receive` and join it. In a worker whose store is synchronous (wa-sqlite
   * on OPFSCoopSyncVFS) the queue runs in microtasks, so without a macrotask here message
   * events are dispatched only between batches and every batch holds one frame. Tests
   * leave it out: their frames are delivered in microtasks.
   */
  gatherFrames?(): Promise<void>
  /**
   * An input from a peer failed, typically because its events could not be stored (disk
   * full). Nothing of it was stored, and that link will not send those events again: the
   * owner tells the user, who can reload (new links, new hellos) once there is room.
   */
  onInputFailed?(what: 'connect' | 'receive', err: unknown): void
  /** Called after events (local or remote) were stored and materialized. */
  onStored?(events: readonly TodoEvent[], origin: 'local' | 'remote'): void
  /**
   * Awaited before the next page of a streamed catch-up is queued (sync-engine.ts), so
   * inputs that arrived meanwhile (a local edit, frames) go first and a long catch-up
   * does not hold the queue. Tests leave it out: pages are queued at once.
   */
  nextTurn?(): Promise<void>
  /** Events per page of a streamed catch-up (sync-engine.ts CATCH_UP_PAGE; tests use small ones). */
  catchUpPage?: number
  /** Unacked events a streamed catch-up may have in flight (sync-engine.ts; default two pages). */
  catchUpWindow?: number
  /** The window at a catch-up's start (SyncEngineOptions.catchUpFirst). */
  catchUpFirst?: number
}

export class ReplicaNode {
  readonly engine: SyncEngine
  readonly #opts: ReplicaNodeOptions
  #queue: Promise<unknown> = Promise.resolve()
  /** The last queued receive input, while nothing else has been queued after it. */
  #openBatch: FrameBatch | null = null
  /** Peers whose transport queue is too long, each with the wait its stream's next page takes. */
  readonly #backlogged = new Map<PeerId, { drained: Promise<void>; release: () => void }>()

  constructor(opts: ReplicaNodeOptions) {
    this.#opts = opts
    this.engine = new SyncEngine({
      replica: opts.replica,
      room: opts.room,
      store: opts.log.store,
      log: opts.logger,
      catchUpPage: opts.catchUpPage,
      catchUpWindow: opts.catchUpWindow,
      catchUpFirst: opts.catchUpFirst,
    })
  }

  get log(): TodoLog {
    return this.#opts.log
  }

  /** A link to `peer` opened. */
  connect(peer: PeerId): Promise<void> {
    return this.#run('connect', async () => this.#apply(await this.engine.peerConnected(peer)))
  }

  /** The link to `peer` closed. */
  disconnect(peer: PeerId): Promise<void> {
    this.backlog(peer, false) // its stream ends; nothing may wait on a dead link
    return this.#run('disconnect', async () => this.engine.peerDisconnected(peer))
  }

  /** A frame from `peer` arrived; resolves once it has been handled (see "Batching"). */
  receive(peer: PeerId, bytes: Uint8Array): Promise<void> {
    const events = isEventsFrame(bytes)
    const open = this.#openBatch
    if (open && open.peer === peer && open.eventsOnly && events && open.frames.length < MAX_FRAMES_PER_BATCH) {
      open.frames.push(bytes)
      return open.done
    }
    const batch: FrameBatch = { peer, frames: [bytes], eventsOnly: events, done: Promise.resolve() }
    batch.done = this.#run('receive', async () => {
      if (batch.eventsOnly && this.#opts.gatherFrames) await this.#opts.gatherFrames()
      if (this.#openBatch === batch) this.#openBatch = null // later frames form the next batch
      await this.#apply(await this.engine.receiveMany(peer, batch.frames))
    })
    this.#openBatch = batch
    return batch.done
  }

  /**
   * The transport's queue for `peer` is too long (true) or drained again (false): a
   * streamed catch-up to `peer` reads no further page meanwhile (see "Flow control").
   */
  backlog(peer: PeerId, backlogged: boolean): void {
    const current = this.#backlogged.get(peer)
    if (backlogged && !current) {
      let release!: () => void
      const drained = new Promise<void>((resolve) => (release = resolve))
      this.#backlogged.set(peer, { drained, release })
    } else if (!backlogged && current) {
      this.#backlogged.delete(peer)
      current.release()
    }
  }

  /** Records a local action, stores it and pushes it to peers. Rejects if storing fails. */
  async act(todo: TodoId, type: string, value: EventValue, time: number): Promise<TodoEvent> {
    const [event] = await this.actMany([{ todo, type, value, time }])
    return event!
  }

  /**
   * Records several local actions in one transaction, then pushes them to peers.
   * `actions` may be a function of the log, called at this input's turn in the queue:
   * bulk actions ("clear completed", "mark all") must be computed from the state every
   * earlier input produced, not from a snapshot the UI saw before remote events landed
   * (else a todo completed remotely a moment earlier would survive "clear completed").
   */
  actMany(actions: readonly LocalAction[] | ((log: TodoLog) => LocalAction[])): Promise<TodoEvent[]> {
    this.#openBatch = null
    const step = this.#queue.then(async () => {
      const list = typeof actions === 'function' ? actions(this.#opts.log) : actions
      if (list.length === 0) return []
      const events = await this.#opts.log.authorMany(this.#opts.replica, list)
      this.#opts.onStored?.(events, 'local')
      await this.#apply(this.engine.localEvents(events))
      return events
    })
    this.#queue = step.catch(() => undefined)
    return step
  }

  /** Switches the view's interpretation (a rebuild), in turn with every other input. */
  interpret(name: InterpretationName): Promise<void> {
    this.#openBatch = null
    const step = this.#queue.then(() => this.#opts.log.interpret(name))
    this.#queue = step.catch(() => undefined)
    return step
  }

  /** Resolves once every input queued so far has been handled. */
  idle(): Promise<void> {
    return this.#queue.then(() => undefined)
  }

  /**
   * Resolves once the queue is empty, inputs queued meanwhile included (a catch-up's next
   * page, queued by the ack that an earlier input handled).
   */
  async settled(): Promise<void> {
    let queue: Promise<unknown>
    do {
      queue = this.#queue
      await queue
    } while (queue !== this.#queue)
  }

  #run(what: 'connect' | 'disconnect' | 'receive' | 'continue', fn: () => Promise<void>): Promise<void> {
    this.#openBatch = null
    const step = this.#queue.then(fn).catch((err: unknown) => {
      this.#opts.logger.warn(`${what} failed: ${(err as Error).message}`, { err })
      // A page that could not be read or sent ends that stream; the peer's next link asks again.
      if (what === 'connect' || what === 'receive') this.#opts.onInputFailed?.(what, err)
    })
    this.#queue = step
    return step
  }

  /**
   * Queues the next page of a streamed catch-up as an input of its own, once the
   * transport's queue for `peer` is not backlogged (checked again after each wait: it may
   * have filled up again meanwhile).
   */
  #continueLater(peer: PeerId, stream: number): void {
    const queue = () => void this.#run('continue', async () => this.#apply(await this.engine.continueCatchUp(peer, stream)))
    const whenDrained = (): void => {
      const backlog = this.#backlogged.get(peer)
      if (backlog) void backlog.drained.then(whenDrained)
      else queue()
    }
    if (this.#opts.nextTurn) void this.#opts.nextTurn().then(whenDrained)
    else whenDrained()
  }

  async #apply(effects: readonly SyncEffect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.type === 'store') {
        const stored = await this.#opts.log.ingest(effect.events, effect.stored)
        if (stored.length > 0) this.#opts.onStored?.(stored, 'remote')
      } else if (effect.type === 'continue') {
        this.#continueLater(effect.peer, effect.stream)
      } else {
        this.#opts.send(effect.peer, effect.bytes)
      }
    }
  }
}
