/**
 * A sync bench worker: one replica on the app's OPFS store (client/worker/open-sqlite.ts)
 * running the real protocol (ReplicaNode) over the link's sync channel, which the page
 * makes and transfers here as the app's PeerMesh and log worker do (WorkerChannels,
 * client/worker/worker-channels.ts: link inputs from the channel, backpressure).
 *
 * As S (`build-sender`): generates the seeded shared history (sync-history.ts, the same
 * events the Node half reconciles), commits it to a fresh database in batches with
 * precomputed todo states — the timed commits are the suite's raw OPFS insert rate —
 * then closes it, reopens it and starts replica 11 on it. `raw-insert` repeats those
 * commits into a scratch database (deleted after) for a second sample of the rate.
 * As R (`open-receiver`): a fresh, empty database and replica 12; reports `caught-up`
 * once `expect` remote events are stored.
 */
import { nextTask } from '../../../client/worker/next-task.ts'
import type { EventId, RoomId } from '../../../shared/ids.ts'
import type { EventStore } from '../../../shared/event-store.ts'
import type { TodoEvent } from '../../../shared/event.ts'
import { TodoLog } from '../../../shared/todo-log.ts'
import { ReplicaNode } from '../../../shared/sync/replica-node.ts'
import type { PeerId } from '../../../shared/sync/sync-engine.ts'
import type { SqliteEventStore } from '../../../client/worker/sqlite-event-store.ts'
import { deleteOpfsDatabase, openOpfsStore } from '../../../client/worker/open-sqlite.ts'
import { replica } from '../../helpers/fixtures.ts'
import { WorkerChannels } from '../../../client/worker/worker-channels.ts'
import { BUILD_CHUNK, buildLog } from '../core/log-measures.ts'
import { sharedHistory } from '../sync/sync-history.ts'
import type { SyncConfig } from '../sync/config.ts'
import type { FromSyncWorker, RawInsert, SenderBuilt, ToSyncWorker, WorkerCheck } from './sync-bench-protocol.ts'

const ROOM = 'b7'.repeat(16) as RoomId
/** The only link each worker has: the other worker, over the sync channel. */
const PEER = 'peer' as PeerId
/** Epoch milliseconds, comparable between the page and both workers. */
const epochNow = () => performance.timeOrigin + performance.now()

const post = (message: FromSyncWorker) => postMessage(message)
const progress = (text: string) => post({ type: 'progress', text })

let store: SqliteEventStore | null = null
let node: ReplicaNode | null = null
let file = ''
const warnings: string[] = []
let lastDone = 0
const stats = {
  receiveBusyMs: 0,
  longestReceiveMs: 0,
  framesReceived: 0,
  /** Bytes of frames received and not yet handled, now and at most (the acks bound it). */
  pendingBytes: 0,
  maxPendingBytes: 0,
  framesSent: 0,
  bytesSent: 0,
  linkOpenAt: 0,
  thirdFrameAt: 0,
  maxBufferedAmount: 0,
  backlogPauses: 0,
  storeMs: {} as Record<string, number>,
  storeCalls: {} as Record<string, number>,
}

/** The store with every call timed into storeMs / storeCalls (what the replica waits on). */
function timedStore(inner: EventStore): EventStore {
  return new Proxy(inner, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver)
      if (typeof value !== 'function' || typeof name !== 'string') return value
      return async (...args: unknown[]) => {
        const start = performance.now()
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)
        } finally {
          stats.storeMs[name] = (stats.storeMs[name] ?? 0) + performance.now() - start
          stats.storeCalls[name] = (stats.storeCalls[name] ?? 0) + 1
        }
      }
    },
  })
}

async function startNode(replicaNumber: number, expect: number | null): Promise<void> {
  store = await openOpfsStore(file)
  const log = await TodoLog.open(timedStore(store))
  stats.storeMs = {}
  stats.storeCalls = {}
  let stored = 0
  let reported = 0
  node = new ReplicaNode({
    replica: replica(replicaNumber),
    room: ROOM,
    log,
    logger: { warn: (m) => warnings.push(m), debug: () => {} },
    gatherFrames: nextTask,
    nextTurn: nextTask, // as the app's worker: a catch-up page waits for a macrotask
    send: (_peer, bytes) => {
      if (++stats.framesSent === 3) stats.thirdFrameAt = epochNow()
      stats.bytesSent += bytes.byteLength
      if (!channels.send(PEER, bytes)) warnings.push('a frame with no channel to go on dropped')
      stats.maxBufferedAmount = Math.max(stats.maxBufferedAmount, channel?.bufferedAmount ?? 0)
    },
    onStored: (events, origin) => {
      if (origin !== 'remote' || expect === null) return
      stored += events.length
      if (stored - reported >= 20_000) {
        reported = stored
        progress(`receiver stored ${stored} events`)
      }
      if (stored >= expect && stored - events.length < expect) post({ type: 'caught-up', stored, at: epochNow() })
    },
  })
}

/** S's history, kept for the second raw insert. */
let history: TodoEvent[] = []

/** Commits `history` to the fresh database `name` in batches with precomputed states, and closes it. */
async function rawInsert(name: string): Promise<RawInsert> {
  await deleteOpfsDatabase(name)
  const target = await openOpfsStore(name)
  const { commitMs } = await buildLog(target, history)
  await target.close()
  return { events: history.length, commitMs, eventsPerS: history.length / (commitMs / 1000) }
}

async function buildSender(config: SyncConfig, lastEventId: EventId): Promise<SenderBuilt> {
  progress(`S: generating the ${config.catchupEvents}-event shared history`)
  const t0 = performance.now()
  history = sharedHistory(config.seed, config.catchupEvents).events
  const generateMs = performance.now() - t0
  if (history.at(-1)?.id !== lastEventId) throw new Error('the worker generated another history than Node did')
  progress(`S: committing it to OPFS in batches of ${BUILD_CHUNK}`)
  const built = await rawInsert(file)
  await startNode(11, null)
  return { ...built, generateMs }
}

async function check(): Promise<WorkerCheck> {
  if (!node || !store) throw new Error('no replica in this worker')
  await node.idle()
  return {
    count: await store.count(),
    heads: await store.heads(),
    stateHash: node.log.stateHash(),
    ...stats,
    warnings,
  }
}

async function handle(m: ToSyncWorker): Promise<unknown> {
  switch (m.type) {
    case 'build-sender':
      file = m.file
      return buildSender(m.config, m.lastEventId)
    case 'open-receiver':
      file = m.file
      await deleteOpfsDatabase(file)
      await startNode(12, m.expect)
      return null
    case 'raw-insert': {
      const result = await rawInsert(m.file)
      await deleteOpfsDatabase(m.file)
      return result
    }
    case 'check':
      return check()
    case 'cleanup':
      await node?.idle()
      await store?.close()
      node = store = null
      await deleteOpfsDatabase(file)
      return null
    case 'channel':
      throw new Error(`${m.type} is not a request`)
  }
}

function receive(n: ReplicaNode, bytes: Uint8Array): void {
  stats.framesReceived++
  const size = bytes.byteLength
  stats.pendingBytes += size
  stats.maxPendingBytes = Math.max(stats.maxPendingBytes, stats.pendingBytes)
  // ReplicaNode handles inputs one at a time: this one starts when it arrived or when the
  // previous one finished, whichever is later, and its promise settles when it is done.
  const arrived = performance.now()
  void n.receive(PEER, bytes).then(() => {
    stats.pendingBytes -= size
    const done = performance.now()
    const ms = done - Math.max(arrived, lastDone)
    lastDone = done
    stats.receiveBusyMs += ms
    stats.longestReceiveMs = Math.max(stats.longestReceiveMs, ms)
  })
}

let channel: RTCDataChannel | null = null
const channels = new WorkerChannels({
  input: (m) => {
    if (!node) return void warnings.push(`${m.type} before the replica was started`)
    if (m.type === 'link-open') {
      stats.linkOpenAt = epochNow()
      void node.connect(PEER)
    } else if (m.type === 'link-frame') receive(node, m.bytes)
    else if (m.type === 'link-backlog') {
      if (m.backlogged) stats.backlogPauses++
      node.backlog(PEER, m.backlogged)
    } else void node.disconnect(PEER)
  },
  lost: () => warnings.push('sending on the sync channel failed'),
  warn: (message) => warnings.push(message),
})

addEventListener('message', (event: MessageEvent<ToSyncWorker>) => {
  const m = event.data
  if (m.type === 'channel') {
    channel = m.channel
    channels.adopt(PEER, m.channel)
    return
  }
  handle(m).then(
    (result) => post({ type: 'done', id: m.id, result }),
    (err: unknown) =>
      post({ type: 'failed', id: m.id, message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) }),
  )
})
