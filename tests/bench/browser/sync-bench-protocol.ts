/**
 * Messages between the sync bench page (sync-bench-page.ts) and its two dedicated
 * workers (sync-bench-worker.ts), and what the Chromium half of the sync suite returns.
 *
 *   page ── build-sender ──▶ worker S: generates the seeded 100k history, commits it to a
 *                            fresh OPFS database in batches (timed: the raw insert rate),
 *                            reopens it and starts a ReplicaNode on it
 *   page ── open-receiver ─▶ worker R: a fresh OPFS database and a ReplicaNode on it
 *   page ── raw-insert ────▶ worker S: the same commits into another fresh database (timed),
 *                            which is then deleted: the raw insert rate again, after the catch-up
 *   page ── channel ───────▶ S and R: the link's sync channel, transferred as it is made
 *                            (as the app's PeerMesh does); each worker sees it open, sends
 *                            its hello and speaks the protocol over it from then on
 *   R ──── caught-up ──────▶ page: it has stored every event it was to receive
 *   page ── check / cleanup ▶ S, R
 *   worker ── progress | done | failed ──▶ page (done/failed answer the request `id`)
 */
import type { EventId } from '../../../shared/ids.ts'
import type { SyncConfig } from '../sync/config.ts'

export type ToSyncWorker =
  | { type: 'build-sender'; id: number; config: SyncConfig; file: string; lastEventId: EventId }
  | { type: 'open-receiver'; id: number; file: string; expect: number }
  | { type: 'raw-insert'; id: number; file: string }
  | { type: 'channel'; channel: RTCDataChannel }
  | { type: 'check'; id: number }
  | { type: 'cleanup'; id: number }

export type FromSyncWorker =
  | { type: 'progress'; text: string }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'failed'; id: number; message: string }
  /** `at`: when, in ms since the epoch (performance.timeOrigin + now(), comparable across threads). */
  | { type: 'caught-up'; stored: number; at: number }

export interface RawInsert {
  events: number
  /** Time inside SqliteEventStore.commit only (states precomputed), all batches. */
  commitMs: number
  eventsPerS: number
}

export interface SenderBuilt extends RawInsert {
  /** Generating the history (sealEvent), for the log. */
  generateMs: number
}

/** What `check` answers after the catch-up. */
export interface WorkerCheck {
  count: number
  heads: EventId[]
  stateHash: string
  /** Time spent handling received frames (ReplicaNode.receive, effects included). */
  receiveBusyMs: number
  /** The longest single receive (the sender's is its answer to the hello: read, encode, pack). */
  longestReceiveMs: number
  framesReceived: number
  /** Bytes of received frames waiting to be handled: now, and the most at any time. */
  pendingBytes: number
  maxPendingBytes: number
  framesSent: number
  bytesSent: number
  /** When the sync channel opened here, and when the third frame (the first of events, from S) left; epoch ms. */
  linkOpenAt: number
  thirdFrameAt: number
  /** Highest bufferedAmount seen on this end of the channel after a send. */
  maxBufferedAmount: number
  /** Times the send queue asked this replica to pause its catch-up stream. */
  backlogPauses: number
  /** Time in each EventStore method since the replica started, and calls (the replica waits on these). */
  storeMs: Record<string, number>
  storeCalls: Record<string, number>
  warnings: string[]
}

export interface ChannelRun {
  bytes: number
  messageBytes: number
  ms: number
  bytesPerS: number
  /** From creating the two RTCPeerConnections to both channel ends open. */
  setupMs: number
}

export interface CatchupRun {
  events: number
  /** From the sync channel opening (in the first of the two workers) until R has stored every event. */
  ms: number
  eventsPerS: number
  /** From the channel opening to the first frame of events leaving S (S reading and encoding its log). */
  firstEventsFrameMs: number
  framesToReceiver: number
  bytesToReceiver: number
  /** Highest bufferedAmount seen on S's end of the channel. */
  maxBufferedAmount: number
  /** Times S's send queue asked it to pause its catch-up stream (worker-channels.ts backlog). */
  backlogPauses: number
  sender: WorkerCheck
  receiver: WorkerCheck
}

/** The two limits are measured before and after the catch-up (the machine is shared: load drifts). */
export interface ChromiumSyncResult {
  userAgent: string
  /** S's log build: the raw OPFS insert rate before the catch-up. */
  build: SenderBuilt
  channelBefore: ChannelRun
  catchup: CatchupRun
  channelAfter: ChannelRun
  insertAfter: RawInsert
}

/** What sync-bench-page.ts puts on `window` for Playwright to call. */
export interface SyncBenchWindow {
  runSyncBench(config: SyncConfig, lastEventId: EventId): Promise<ChromiumSyncResult>
}
