/**
 * Messages between the UI thread and the log worker (structured-clone, not bytes on a
 * wire, but still validated by their tag on receipt).
 *
 *   UI thread                                   log worker (owns wa-sqlite on OPFS)
 *   open(room, preferredReplica)  ───────────▶  claims a replica, opens its database
 *                                 ◀───────────  opened(replica) + state
 *   act(actions)                  ───────────▶  author events (one transaction), store, push to peers
 *   act-each(where, event)        ───────────▶  the same, for every visible todo matching
 *                                               `where` at its turn in the worker's queue
 *                                 ◀───────────  act-done(error, full)
 *   link-channel(peer, channel)   ───────────▶  a link's sync channel, transferred: the
 *                                               worker sees it open, carry frames and close
 *                                               (worker-channels.ts)
 *                                 ◀───────────  link-lost(peer)   (sending on it failed)
 *   link-open / link-frame / link-close ─────▶  SyncEngine input (links whose frames come
 *                                               through the UI thread)
 *                                 ◀───────────  send(peer, bytes)   (to the data channel)
 *   link-backlog(peer, backlogged) ──────────▶  pause / resume a catch-up stream to peer
 *                                 ◀───────────  links (link → replica, as each hello names it)
 *                                 ◀───────────  state (after every change; a big patch is
 *                                               preceded by state-part messages)
 *   rendered                      ───────────▶  the UI drew the last state (or state-part):
 *                                               catch-up batches, and the next parts of a
 *                                               big patch, go on (ui-yield.ts)
 */
import type { ReplicaId, RoomId, TodoId } from '../../shared/ids.ts'
import type { EventValue } from '../../shared/event.ts'
import type { ChurnEntry, ColumnClocks } from '../../shared/todo-fold.ts'
import type { InterpretationName } from '../../shared/interpretations/interpretation.ts'
import type { HistoryEntry } from '../../shared/history.ts'
import type { TodoEvent } from '../../shared/event.ts'
import type { TodoPatch } from './todo-patch.ts'

/** A todo as the UI shows it. */
export interface TodoView {
  id: TodoId
  content: string
  list: string | null
  completed: boolean
  /** Under `churn`: un-completes that followed a completion. Empty otherwise. */
  churn: ChurnEntry[]
  /** Under `lww-register`: each column's winning clock. Null otherwise. */
  clocks: ColumnClocks | null
}

export interface LogSnapshot {
  /**
   * The visible todos in creation order: all of them in the first snapshot after opening
   * and after an interpretation switch, otherwise only what changed (todo-patch.ts).
   */
  todos: TodoView[] | TodoPatch
  /**
   * Every visible todo counted, and the lists in use (sorted): during a catch-up the UI
   * holds only some of the todos (todo-patch.ts diffTodos), and counting 25k todos on
   * the UI thread after each snapshot cost it milliseconds anyway.
   */
  counts: { total: number; active: number }
  lists: string[]
  /** The room's name from the log ('' if never named); see shared/room-meta.ts. */
  roomName: string
  /** Display names the replicas gave themselves in the log, by replica id. */
  peerNames: Record<string, string>
  eventCount: number
  heads: string[]
  interpretation: InterpretationName
  /**
   * Equal on every peer with the same events and interpretation. Null in the first
   * snapshot after opening, whose next snapshot carries it (worker/snapshot.ts), and in
   * most snapshots during a catch-up (worker/state-hash-pace.ts).
   */
  stateHash: string | null
}

/** One user action in an `act` message. */
export interface ActAction {
  todo: TodoId
  eventType: string
  value: EventValue
}

export type ToWorker =
  | { type: 'open'; room: RoomId; preferredReplica: ReplicaId | null }
  /** Author these actions as a chain of events stored in one transaction: all or none. */
  | { type: 'act'; requestId: number; actions: ActAction[]; time: number }
  /**
   * "Mark all" and "Clear completed": one event per visible todo whose `completed` is
   * `whereCompleted`, chosen by the worker when its turn comes (replica-node.ts actMany),
   * so remote events that landed after the UI's last snapshot are not missed.
   */
  | { type: 'act-each'; requestId: number; whereCompleted: boolean; eventType: 'complete' | 'delete'; value: EventValue; time: number }
  | { type: 'interpret'; name: InterpretationName }
  /** Test and benchmark hook: author `count` events (count/4 todos) in a few transactions. */
  | { type: 'generate'; count: number }
  /** Query: a todo's audit trail (answered by 'history'). */
  | { type: 'history'; requestId: number; todo: TodoId }
  /** Query: the newest `limit` events of the DAG, or those before a cursor (answered by 'dag'). */
  | { type: 'dag'; requestId: number; limit: number; before: { lamport: number; id: string } | null }
  /** The sync channel of a new WebRTC link, transferred here (worker-channels.ts). */
  | { type: 'link-channel'; peer: string; channel: RTCDataChannel }
  | { type: 'link-open'; peer: string }
  | { type: 'link-frame'; peer: string; bytes: Uint8Array }
  | { type: 'link-close'; peer: string }
  /** The link's send queue is long (true) or drained (false): see ReplicaNode.backlog. */
  | { type: 'link-backlog'; peer: string; backlogged: boolean }
  /** The UI rendered the last snapshot it was sent (see ui-yield.ts). */
  | { type: 'rendered' }

export type FromWorker =
  | { type: 'opened'; replica: ReplicaId; snapshot: LogSnapshot }
  /** `progress`: catch-up progress that counts this snapshot's events, applied with it (snapshot-posts.ts). */
  | { type: 'state'; snapshot: LogSnapshot; progress?: { received: number; expected: number } }
  /** The first changed todos of the next state's patch, sent ahead in parts (todo-patch.ts splitPatch). */
  | { type: 'state-part'; changed: TodoPatch['changed'] }
  | { type: 'send'; peer: string; bytes: Uint8Array }
  /** Sending on the sync channel held for `peer` failed: the UI thread drops that link. */
  | { type: 'link-lost'; peer: string }
  /** `full`: storing failed because storage is full (see storage-error.ts). */
  | { type: 'act-done'; requestId: number; error: string | null; full: boolean }
  /** The replica behind each link whose hello was accepted ("webrtc:…" → replica). */
  | { type: 'links'; links: Array<{ peer: string; replica: ReplicaId }> }
  | { type: 'history'; requestId: number; entries: HistoryEntry[] }
  /** DAG window in (lamport, id) order, plus the current heads and the total event count. */
  | { type: 'dag'; requestId: number; events: TodoEvent[]; heads: string[]; total: number }
  /** A query failed (e.g. storage error). */
  | { type: 'query-failed'; requestId: number; error: string }
  /** Catch-up progress: events received of those announced (expected 0: none under way). */
  | { type: 'progress'; received: number; expected: number }
  | { type: 'fatal'; message: string; full: boolean }
  /** Events from a peer could not be stored (`full`: storage is full); see ReplicaNode onInputFailed. */
  | { type: 'peer-changes-failed'; message: string; full: boolean }

const TO_WORKER = new Set(['open', 'act', 'act-each', 'interpret', 'generate', 'history', 'dag', 'link-channel', 'link-open', 'link-frame', 'link-close', 'link-backlog', 'rendered'])
const FROM_WORKER = new Set(['opened', 'state', 'state-part', 'send', 'link-lost', 'act-done', 'links', 'history', 'dag', 'query-failed', 'progress', 'fatal', 'peer-changes-failed'])

/** One-line guards: the tag is known (fields are typed by the sender, same bundle). */
export const isToWorker = (m: unknown): m is ToWorker =>
  typeof m === 'object' && m !== null && TO_WORKER.has((m as { type?: unknown }).type as string)
export const isFromWorker = (m: unknown): m is FromWorker =>
  typeof m === 'object' && m !== null && FROM_WORKER.has((m as { type?: unknown }).type as string)
