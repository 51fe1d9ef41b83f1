/**
 * EventStore: the storage port. One replica's log and its materialized todo states.
 *
 * Kept deliberately dumb (automerge-repo's StorageAdapter is the model): it stores and
 * answers indexed questions; it does not validate, order-check or interpret. Meaning
 * lives above it, in todo-log.ts (materialization) and sync/ (protocol).
 *
 * Implementations: MemoryEventStore (shared/, tests and simulator) and SqliteEventStore
 * (client/worker/, wa-sqlite on OPFS in the browser, in memory under Node). Both must
 * pass tests/contract/event-store-contract.ts.
 *
 * Invariants every implementation keeps:
 *  1. `commit` is atomic: all of its events and todo states are stored, or none.
 *  2. Committed events are never changed or removed.
 *  3. `heads` is maintained incrementally on commit, not recomputed by scanning.
 *  4. Results that are lists of events come in (lamport, id) order.
 */
import type { EventId, ReplicaId, TodoId } from './ids.ts'
import type { TodoEvent } from './event.ts'
import type { TodoState } from './todo-fold.ts'
import type { Ordered } from './order.ts'

/** For each author, the highest lamport among its stored events. */
export type VersionVector = Map<ReplicaId, number>

export interface EventStore {
  /** Current DAG heads: stored events that no stored event names as a parent; sorted. */
  heads(): Promise<EventId[]>
  /** Lamport numbers of those of `ids` that are stored (absent ids are missing). */
  lamportsOf(ids: readonly EventId[]): Promise<Map<EventId, number>>
  /** The stored events among `ids`, in (lamport, id) order; unknown ids are skipped. */
  get(ids: readonly EventId[]): Promise<TodoEvent[]>
  /** Highest stored lamport per author. */
  clock(): Promise<VersionVector>
  /** Events with lamport > `clock.get(author) ?? 0`, in (lamport, id) order. */
  eventsAfter(clock: VersionVector): Promise<TodoEvent[]>
  /** How many events eventsAfter(clock) returns, without reading them. */
  countAfter(clock: VersionVector): Promise<number>
  /**
   * One page of eventsAfter(clock): the first `limit` (≥ 1) of those events that sort
   * strictly after `after` (which need not be stored), or from the start when null,
   * counting only the first `among` events ever stored (what count() was at some moment),
   * so a read spread over many turns returns the set it started from. A large catch-up is
   * read page by page (sync-engine.ts, "Streamed catch-up").
   */
  eventsAfterFrom(clock: VersionVector, after: Ordered | null, limit: number, among: number): Promise<TodoEvent[]>
  /** All events of one todo, in (lamport, id) order. */
  eventsOfTodo(todo: TodoId): Promise<TodoEvent[]>
  /** Stored events naming any of `ids` as a parent, each once, in (lamport, id) order. */
  childrenOf(ids: readonly EventId[]): Promise<TodoEvent[]>
  /**
   * One page of the whole log in (lamport, id) order: the first `limit` (≥ 1) events that sort
   * strictly after `after` (which need not be stored), or from the start when `after` is null.
   */
  eventsFrom(after: Ordered | null, limit: number): Promise<TodoEvent[]>
  /**
   * The page of at most `limit` events sorting just before `before` (or the newest, when
   * null), newest first: (lamport, id) descending. For views that show recent history.
   */
  eventsBefore(before: Ordered | null, limit: number): Promise<TodoEvent[]>
  /** Number of stored events. */
  count(): Promise<number>
  /** Every materialized todo state, in no particular order (cold start reads these, it does not replay). */
  loadTodos(): Promise<TodoState[]>
  /**
   * Atomically stores `events` (in (lamport, id) order) and upserts `todos`. Events
   * already stored are skipped. Rejects, storing nothing, if an event names a parent
   * that is neither stored nor earlier in the batch.
   */
  commit(events: readonly TodoEvent[], todos: readonly TodoState[]): Promise<void>
  /** Atomically replaces every materialized todo state (after switching interpretation). */
  replaceTodos(todos: readonly TodoState[]): Promise<void>
  /** A small string value kept with the replica (e.g. its replica id). */
  getMeta(key: string): Promise<string | null>
  /** Sets a meta value. */
  setMeta(key: string, value: string): Promise<void>
  /** Releases the underlying resources; later calls reject with StoreClosedError. */
  close(): Promise<void>
}

/** Thrown by any EventStore call after `close`. */
export class StoreClosedError extends Error {
  constructor() {
    super('event store is closed')
    this.name = 'StoreClosedError'
  }
}
