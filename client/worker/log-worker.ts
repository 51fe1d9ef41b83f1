/**
 * The log worker: the single owner of a tab's replica.
 *
 * It claims a replica (replica-claim.ts), opens that replica's wa-sqlite database on
 * OPFS, and runs a ReplicaNode (TodoLog + SyncEngine). RTCPeerConnection does not exist
 * in workers, so links live on the UI thread; each WebRTC link's sync channel is
 * transferred here (worker-channels.ts), and other frames (BroadcastChannel links, peers
 * that could not transfer theirs) come through the UI thread as `{peer, bytes}`. After
 * every change it posts a fresh snapshot for the UI, with the room's name and the peers'
 * names (RoomMetaView) beside the todos, and after a link's hello it posts which replica
 * each link reaches.
 */
import { nextTask } from './next-task.ts'
import { type EventId, type ReplicaId, type RoomId, type TodoId, newTodoId } from '../../shared/ids.ts'
import { RoomMetaView } from '../../shared/room-meta.ts'
import { todoHistory } from '../../shared/history.ts'
import type { LocalAction } from '../../shared/todo-log.ts'
import { consoleLogger } from '../../shared/log.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { ReplicaNode } from '../../shared/sync/replica-node.ts'
import { type PeerId, isCatchingUp } from '../../shared/sync/sync-engine.ts'
import { catchUpTotal, ownedFrame } from '../../shared/sync/messages.ts'
import { deleteOpfsDatabase, listOpfsDatabases, openOpfsStore, takeVfsError, warmUpOpfsSqlite } from './open-sqlite.ts'
import { isStorageFull } from './storage-error.ts'
import { claimReplica, databaseFileName, warmUpFileName } from './replica-claim.ts'
import { type FromWorker, type ToWorker, isToWorker } from './protocol.ts'
import { UiHeldTodos, logSnapshot } from './snapshot.ts'
import { StateHashPace } from './state-hash-pace.ts'
import { postInGroups, splitPatch } from './todo-patch.ts'
import { SnapshotPosts } from './snapshot-posts.ts'
import { UiYield } from './ui-yield.ts'
import { LINK_GATE_MIN_CATCH_UP, LinkGate } from './link-gate.ts'
import { type ChannelInput, WorkerChannels } from './worker-channels.ts'

const logger = consoleLogger('log-worker')
let node: ReplicaNode | null = null
let roomMeta: RoomMetaView | null = null
/** Inputs that arrive while the database opens are replayed once it is open. */
const early: ToWorker[] = []
/** Catch-up batches wait while the UI renders a posted snapshot (ui-yield.ts). */
const uiYield = new UiYield()
/** A large catch-up into a fresh replica waits for its warm-up (link-gate.ts). */
const linkGate = new LinkGate((message, err) => logger.warn(message, { err }))
/** The sync channels transferred here; their events are link inputs like the UI thread's. */
const channels = new WorkerChannels({
  input: (m) => handle(m),
  lost: (peer) => post({ type: 'link-lost', peer }),
  warn: (message, data) => logger.warn(message, data),
})

function post(message: FromWorker): void {
  if (message.type === 'send') {
    // Transfer, don't copy, big frames (small ones are copied out of cborg's pool first).
    const owned = ownedFrame(message.bytes)
    postMessage({ ...message, bytes: owned }, { transfer: [owned.buffer] })
  } else {
    postMessage(message)
    // What the UI draws, and acks once drawn (room-session.ts #ackRendered).
    if (message.type === 'state' || message.type === 'state-part' || message.type === 'opened') uiYield.posted()
  }
}

/**
 * Snapshot posts. After the first, each carries only the todos changed since the one
 * before (todo-patch.ts): `dirty` collects the ids that stored events touched; null means
 * "send every todo" (after an interpretation switch, or a snapshot that failed). When
 * they are posted, and how catch-up progress rides on them: snapshot-posts.ts.
 */
let dirty: Set<TodoId> | null = null
/** The todos the UI holds: during a catch-up, only a first page (snapshot.ts). */
const uiHeld = new UiHeldTodos()
/** A catch-up is streaming in. */
function catchingUp(): boolean {
  return node !== null && isCatchingUp(node.engine.progress())
}
function markDirty(todos: Iterable<TodoId> | 'all'): void {
  if (todos === 'all') dirty = null
  else if (dirty) for (const id of todos) dirty.add(id)
}
/** The log whose snapshots are posted (set once it is open). */
let openLog: TodoLog | null = null
/**
 * During a catch-up, a snapshot carries the state hash at most once per 10 s
 * (state-hash-pace.ts). Each time costs the worker the digests of every todo changed
 * since the last one plus the combined hash: ~250 ms per 3 s of a 100k-event catch-up
 * (25k todos) in a Chromium CPU profile of the ui bench, so most catch-ups take none.
 */
const stateHashPace = new StateHashPace({ now: () => performance.now(), maxSkipMs: 10_000 })
const snapshotPosts = new SnapshotPosts({
  later: (task) => setTimeout(task, 0),
  warn: (message, err) => logger.warn(message, { err }),
  progress: ({ received, expected }) => post({ type: 'progress', received, expected }),
  snapshot: async (progress) => {
    const log = openLog
    if (!log) return
    const changed = dirty
    dirty = new Set()
    try {
      const withStateHash = stateHashPace.due(catchingUp())
      const snapshot = await logSnapshot(log, roomMeta?.meta, withStateHash, changed, uiHeld.forPatch(catchingUp()))
      uiHeld.after(snapshot)
      if (Array.isArray(snapshot.todos)) post({ type: 'state', snapshot, progress: progress() })
      else {
        // A big patch goes in parts, each a short task for the UI thread, a few per frame
        // (todo-patch.ts): the UI acks parts as it does states (ui-yield.ts).
        const { parts, rest } = splitPatch(snapshot.todos)
        await postInGroups(parts, (part) => post({ type: 'state-part', changed: part }), () => uiYield.settled())
        post({ type: 'state', snapshot: { ...snapshot, todos: rest }, progress: progress() })
      }
    } catch (err) {
      dirty = null // the UI missed these changes: the next snapshot sends everything
      throw err
    }
  },
})

/** Authors `count` events: todos created, titled, listed and completed, 5k per transaction. */
async function generate(n: ReplicaNode, count: number): Promise<void> {
  const actions: LocalAction[] = []
  const time = Date.now()
  for (let i = 0; actions.length < count; i++) {
    const todo = newTodoId()
    actions.push({ todo, type: 'create', value: null, time })
    actions.push({ todo, type: 'set_content', value: `generated ${i}`, time })
    actions.push({ todo, type: 'add_to_list', value: i % 2 ? 'home' : 'work', time })
    actions.push({ todo, type: 'complete', value: i % 3 === 0, time })
  }
  actions.length = count
  for (let i = 0; i < count; i += 5000) await n.actMany(actions.slice(i, i + 5000))
}

/** Runs a read-only query and posts its answer, or why it failed. */
function answer(requestId: number, query: () => Promise<FromWorker>): void {
  query().then(post, (err: unknown) => {
    logger.warn('query failed', { err })
    post({ type: 'query-failed', requestId, error: (err as Error).message ?? String(err) })
  })
}

/** Posts which replica each link reaches when that changed since the last post. */
let lastLinks = ''
function reportLinks(n: ReplicaNode): void {
  const links = [...n.engine.peerReplicas()].map(([peer, replica]) => ({ peer, replica })).sort((a, b) => (a.peer < b.peer ? -1 : 1))
  const key = JSON.stringify(links)
  if (key === lastLinks) return
  lastLinks = key
  post({ type: 'links', links })
}

/**
 * Posts catch-up progress when it changed since the last post, never ahead of the
 * snapshot of the events it counts (snapshot-posts.ts).
 */
let lastProgress = { received: 0, expected: 0 }
function reportProgress(n: ReplicaNode): void {
  const { received, expected } = n.engine.progress()
  if (received === lastProgress.received && expected === lastProgress.expected) return
  // A catch-up ended (done, or its peer left): the todos held back from the UI follow.
  if (expected === 0 && lastProgress.expected > 0) snapshotPosts.schedule()
  lastProgress = { received, expected }
  snapshotPosts.progress({ received, expected })
}

async function open(room: RoomId, preferred: ReplicaId | null): Promise<void> {
  const files = await listOpfsDatabases()
  const { replica } = await claimReplica(room, preferred, files)
  const store = await openOpfsStore(databaseFileName(room, replica))
  // A replica with no events is about to catch up, if its room has history: a large
  // catch-up waits while it compiles SQLite's and the receiving side's hot code
  // (sqlite-warm-up.ts, link-gate.ts). Armed before `node` is set, after which link
  // inputs stop queueing in `early` and come to the gate.
  const fresh = (await store.count()) === 0
  let warmedUp: () => void = () => undefined
  if (fresh) linkGate.arm(new Promise<void>((resolve) => (warmedUp = resolve)))
  const log = await TodoLog.open(store)
  openLog = log
  const meta = await RoomMetaView.open(store)
  roomMeta = meta
  node = new ReplicaNode({
    replica,
    room,
    log,
    logger,
    send: (peer, bytes) => {
      if (!channels.send(peer, bytes)) post({ type: 'send', peer, bytes })
    },
    // Before a catch-up batch: the snapshot of the batch before goes out first, then the
    // UI gets to draw it (ui-yield.ts). Frames that arrive meanwhile join this batch.
    nextTurn: nextTask,
    gatherFrames: async () => {
      await nextTask()
      await snapshotPosts.posted()
      await uiYield.settled()
    },
    onInputFailed: (_what, err) =>
      post({ type: 'peer-changes-failed', message: (err as Error).message ?? String(err), full: isStorageFull(err, takeVfsError()) }),
    onStored: (events) => {
      meta.stored(events)
      markDirty(events.map((e) => e.todo))
      snapshotPosts.schedule()
    },
  })
  // The list first; the state hash follows in the next snapshot (see snapshot.ts). Posted
  // through the snapshot chain, so no patch can overtake the list it applies to.
  await snapshotPosts.run(async () => {
    dirty = new Set() // later snapshots patch this one
    const snapshot = await logSnapshot(log, roomMeta?.meta, false)
    uiHeld.after(snapshot)
    post({ type: 'opened', replica, snapshot })
  })
  snapshotPosts.schedule()
  for (const m of early.splice(0)) handle(m)
  // The warm-up, after the first snapshot. It stops once a catch-up's events flow: a
  // small one, or a large one after the gate's time limit. A replica with events has no
  // warm-up, but may have the scratch file of one its tab did not finish: removed.
  if (!fresh) {
    deleteOpfsDatabase(warmUpFileName(replica)).catch((err: unknown) => logger.warn('removing a warm-up scratch file failed', { err }))
  } else {
    setTimeout(
      () =>
        void warmUpOpfsSqlite(store, () => catchingUp() && !linkGate.holding, warmUpFileName(replica))
          .catch((err: unknown) => logger.warn('SQLite warm-up failed', { err }))
          .finally(warmedUp),
      0,
    )
  }
}

/** Answers an act or act-each request once its events are stored (or failed to be). */
function answerAct(requestId: number, stored: Promise<unknown>): void {
  stored.then(
    () => post({ type: 'act-done', requestId, error: null, full: false }),
    (err: unknown) => {
      const message = (err as Error).message ?? String(err)
      logger.warn('storing a local event failed', { err })
      post({ type: 'act-done', requestId, error: message, full: isStorageFull(err, takeVfsError()) })
    },
  )
}

function handle(m: ToWorker | ChannelInput): void {
  if (m.type === 'link-channel') {
    // At once, even before the log is open: a channel's events are lost until listened to.
    channels.adopt(m.peer, m.channel)
    return
  }
  // A frame forwarded by the UI thread may come before the held channel's link-open.
  if (m.type === 'link-frame' && channels.holdUntilOpen(m.peer, m.bytes)) return
  if (m.type === 'open') {
    if (node) return logger.warn('open received twice; ignored')
    open(m.room, m.preferredReplica).catch((err: unknown) => {
      logger.warn('could not open the log', { err })
      const full = isStorageFull(err, takeVfsError())
      post({ type: 'fatal', message: `Could not open local storage: ${(err as Error).message ?? String(err)}`, full })
    })
    return
  }
  if (m.type === 'rendered') {
    uiYield.rendered()
    return
  }
  if (!node) {
    early.push(m)
    return
  }
  const n = node
  switch (m.type) {
    case 'act':
      answerAct(m.requestId, n.actMany(m.actions.map((a) => ({ todo: a.todo, type: a.eventType, value: a.value, time: m.time }))))
      break
    case 'act-each':
      answerAct(
        m.requestId,
        n.actMany((log) =>
          log
            .visible()
            .filter((t) => t.completed === m.whereCompleted)
            .map((t) => ({ todo: t.id, type: m.eventType, value: m.value, time: m.time })),
        ),
      )
      break
    case 'interpret':
      n.interpret(m.name).then(
        () => {
          markDirty('all') // every todo may read differently now
          snapshotPosts.schedule()
        },
        (err: unknown) => logger.warn('switching interpretation failed', { err }),
      )
      break
    case 'generate':
      generate(n, m.count).catch((err: unknown) => logger.warn('generating events failed', { err }))
      break
    case 'history':
      answer(m.requestId, async () => ({ type: 'history', requestId: m.requestId, entries: await todoHistory(m.todo, n.log.store) }))
      break
    case 'dag':
      answer(m.requestId, async () => {
        const page = await n.log.store.eventsBefore(m.before === null ? null : { lamport: m.before.lamport, id: m.before.id as EventId }, m.limit)
        return {
          type: 'dag',
          requestId: m.requestId,
          events: page.reverse(),
          heads: await n.log.store.heads(),
          total: await n.log.store.count(),
        }
      })
      break
    case 'link-open':
    case 'link-frame':
    case 'link-backlog':
    case 'link-close':
      linkGate.pass(() => linkInput(n, m))
      // A large catch-up was announced: what follows waits for the warm-up (link-gate.ts).
      if (m.type === 'link-frame' && linkGate.armed && (catchUpTotal(m.bytes) ?? 0) >= LINK_GATE_MIN_CATCH_UP) linkGate.hold()
      break
  }
}

/** A link's opening, frame, backlog or closing, once the link gate lets it through. */
function linkInput(n: ReplicaNode, m: Extract<ToWorker | ChannelInput, { type: 'link-open' | 'link-frame' | 'link-backlog' | 'link-close' }>): void {
  switch (m.type) {
    case 'link-open':
      void n.connect(m.peer as PeerId)
      break
    case 'link-frame':
      void n.receive(m.peer as PeerId, m.bytes).then(() => {
        reportProgress(n)
        reportLinks(n)
      })
      break
    case 'link-backlog':
      n.backlog(m.peer as PeerId, m.backlogged)
      break
    case 'link-close':
      void n.disconnect(m.peer as PeerId).then(() => {
        reportProgress(n) // a catch-up from that peer is over
        reportLinks(n)
      })
      break
  }
}

addEventListener('message', (e: MessageEvent<unknown>) => {
  if (!isToWorker(e.data)) {
    logger.warn('unknown message from the UI thread dropped', { data: e.data })
    return
  }
  handle(e.data)
})
