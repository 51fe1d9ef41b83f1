/**
 * warmUpSqlite: runs the statements of a catch-up on a scratch in-memory database, so
 * that V8 compiles SQLite's hot wasm functions with its optimizing tier before a real
 * catch-up needs them.
 *
 * V8 compiles wasm lazily and tiers a function up once it is hot. For a fresh tab
 * joining a 100k-event room, that happened as the catch-up began: traced with the
 * v8.wasm categories (ui bench, 4 visits), 564-609 ms of CPU per visit, ~330 ms of it
 * in the 500 ms before the first progress and 100-150 ms in the 500 ms after, on the
 * renderer's thread pool, while the UI drew the catch-up's first frames; the UI tasks
 * over 50 ms left were there, waiting for a core. A replica with an empty log is what
 * joins a room and catches up, and it has a second or so between opening its database
 * and its first link: the worker warms up then (log-worker.ts). A replica that already
 * holds events skips it.
 *
 * The same holds for the JavaScript of the receiving side (decoding frames, checking
 * events, the sync engine's bookkeeping): traced with the v8.compile categories (ui
 * bench, 2 visits), the worker asked V8 for ~120 Maglev and ~17 Turbofan compilations in
 * the catch-up's first 500 ms, the UI thread for 2, and V8's thread pool spent most of a
 * core compiling in its first second, when the UI draws the first todos. So the warm-up
 * also runs a catch-up of its events between two ReplicaNodes, the class the worker
 * uses, wired to each other in memory: the hello, the announcement, slow start and acks,
 * and the receiver's batches.
 *
 * What that first version left cold showed in traces of the ui bench (3 visits, v8.compile
 * categories): as the gate (link-gate.ts) let the real catch-up in, the worker still
 * asked for ~50 Maglev compilations in 500 ms and V8 compiled ~40 ms of SQLite's wasm
 * top tier, and Turbofan ran for seconds after. The receiver stored into ":memory:",
 * which never runs the OPFS VFS (JavaScript called for every page read and written) nor
 * SQLite's WAL code, and it built no snapshot. So where the caller gives one, the
 * receiver's database is a scratch file on OPFS opened as the replica's own is
 * (open-sqlite.ts), and after each batch it builds the patch a snapshot would post.
 */
import { TodoLog, type LocalAction } from '../../shared/todo-log.ts'
import { type ReplicaId, type RoomId, type TodoId } from '../../shared/ids.ts'
import { type PeerId, isCatchingUp } from '../../shared/sync/sync-engine.ts'
import { ReplicaNode } from '../../shared/sync/replica-node.ts'
import { RoomMetaView } from '../../shared/room-meta.ts'
import { type Logger, consoleLogger } from '../../shared/log.ts'
import { SqliteEventStore } from './sqlite-event-store.ts'
import type { SqliteWasm } from './param-writer.ts'
import { nextTask } from './next-task.ts'
import { UiHeldTodos, logSnapshot } from './snapshot.ts'
import { splitPatch } from './todo-patch.ts'

/** Events the warm-up writes, in transactions of WARM_UP_BATCH. */
export const WARM_UP_EVENTS = 4000
const WARM_UP_BATCH = 1000

/**
 * Runs `fn` while the worker's own store runs none of its calls (SqliteEventStore.exclusive):
 * wa-sqlite keeps one list of pending VFS retry operations per module, so the async calls
 * of two connections must not interleave.
 */
export type Hold = <T>(fn: () => Promise<T>) => Promise<T>

/** Where the receiving side's scratch database lives: ":memory:" unless the caller gives one. */
export interface ScratchDatabase {
  /** Opens (creating) it, empty, configured as a replica's database is. Returns the handle. */
  open(sqlite3: SQLiteAPI): Promise<number>
  /** Removes its files; called after it was closed, also after a failure. */
  remove(): Promise<void>
}

const IN_MEMORY: ScratchDatabase = {
  open: (sqlite3) => sqlite3.open_v2(':memory:'),
  remove: async () => undefined,
}

export interface WarmUpOptions {
  /** Runs each step; the worker holds its own store meanwhile (see Hold). */
  hold?: Hold
  /** True once a real catch-up has begun: no further step is taken. */
  stop?: () => boolean
  /** The receiver's database (the sender's is always in memory). */
  receiver?: ScratchDatabase
}

/**
 * Writes and reads WARM_UP_EVENTS events in a ":memory:" database of `sqlite3`, catches
 * a second scratch database up on them as a peer would, builds the snapshot patches the
 * worker would post, and closes both; returns how many the receiver stored. Each step
 * (open, one transaction, one round of frames between the two sides, the count, close)
 * runs in a task and a `hold` of its own, so a message that arrives meanwhile (a local
 * edit, a peer's hello) and the store calls it makes wait for one step, not for the whole
 * warm-up.
 */
export async function warmUpSqlite(
  sqlite3: SQLiteAPI,
  wasm: SqliteWasm,
  { hold: holdStore = (fn) => fn(), stop = () => false, receiver = IN_MEMORY }: WarmUpOptions = {},
): Promise<{ received: number; stopped: boolean }> {
  const hold = inTaskOfItsOwn(holdStore)
  const step: Hold = (fn) =>
    hold(() => {
      if (stop()) throw new WarmUpStopped()
      return fn()
    })
  try {
    return { received: await warmUpSteps(sqlite3, wasm, step, hold, receiver), stopped: false }
  } catch (err) {
    if (err instanceof WarmUpStopped) return { received: 0, stopped: true }
    throw err
  }
}

/**
 * Thrown by a step once `stop()` is true: a real catch-up has begun, so the rest of the
 * warm-up would only compete with it for the CPU. With each step in a task of its own
 * (below), the warm-up spreads over more wall time and could still be running then.
 */
class WarmUpStopped extends Error {}

/** The steps (`step`: stops when asked; `hold`: closing, always taken). */
async function warmUpSteps(sqlite3: SQLiteAPI, wasm: SqliteWasm, step: Hold, hold: Hold, receiverDb: ScratchDatabase): Promise<number> {
  const sender = await step(() => openScratch(sqlite3, wasm, IN_MEMORY))
  try {
    for (let done = 0; done < WARM_UP_EVENTS; done += WARM_UP_BATCH) {
      const actions: LocalAction[] = []
      for (let i = done; i < done + WARM_UP_BATCH; i++) {
        const todo = (i >> 2).toString(16).padStart(32, '0') as TodoId
        actions.push({ todo, type: ['create', 'set_content', 'add_to_list', 'complete'][i & 3]!, value: i % 4 === 0 ? null : i % 4 === 3 ? true : `warm-up ${i}`, time: 0 })
      }
      await step(() => sender.log.authorMany(AUTHOR, actions))
    }
    let receiver: Scratch | undefined
    try {
      const opened = (receiver = await step(() => openScratch(sqlite3, wasm, receiverDb)))
      await catchUp(sender.log, opened.log, step)
      // A real catch-up checkpoints its WAL every 1,000 pages; the warm-up's writes are fewer.
      await step(() => sqlite3.exec(opened.db, 'PRAGMA wal_checkpoint(PASSIVE)'))
      return await step(() => opened.log.store.count())
    } finally {
      // Removed even if it never opened: its open may have failed after creating the file.
      await hold(async () => {
        try {
          await receiver?.log.store.close()
        } finally {
          await receiverDb.remove()
        }
      })
    }
  } finally {
    await hold(() => sender.log.store.close())
  }
}

/**
 * Each step starts in a macrotask of its own. SQLite's calls on the scratch databases
 * complete synchronously, so without this the whole warm-up ran as one chain of
 * microtasks, one task of the worker (~1 s of wall time, ~450 ms of CPU, in Chrome traces
 * of `npm run bench -- ui`), and a message that arrived meanwhile (a local edit, a
 * peer's hello) waited for all of it, not for one step.
 */
function inTaskOfItsOwn(hold: Hold): Hold {
  return async (fn) => {
    await nextTask()
    return hold(fn)
  }
}

const AUTHOR = '77'.repeat(16) as ReplicaId
const RECEIVER = '78'.repeat(16) as ReplicaId
const ROOM = '79'.repeat(16) as RoomId
const TO_SENDER = 'warm-up-sender' as PeerId
const TO_RECEIVER = 'warm-up-receiver' as PeerId
/** More rounds than a catch-up of WARM_UP_EVENTS takes means the two sides never went quiet. */
const MAX_ROUNDS = 100

/** A scratch database open: its log, and its handle for statements of the warm-up's own. */
interface Scratch {
  log: TodoLog
  db: number
}

async function openScratch(sqlite3: SQLiteAPI, wasm: SqliteWasm, where: ScratchDatabase): Promise<Scratch> {
  const db = await where.open(sqlite3)
  try {
    return { log: await TodoLog.open(await SqliteEventStore.open(sqlite3, db, wasm)), db }
  } catch (err) {
    await sqlite3.close(db)
    throw err
  }
}

/**
 * `receiverLog` catches up on `senderLog` through two ReplicaNodes, the class the worker
 * runs, linked in memory. Frames sent in one round are delivered in the next, each round a
 * step; after each round the receiver builds the patch its stored events would post
 * (log-worker.ts: markDirty, logSnapshot with the UI's first page held, splitPatch).
 */
async function catchUp(senderLog: TodoLog, receiverLog: TodoLog, step: Hold): Promise<void> {
  const logger: Logger = consoleLogger('sqlite-warm-up')
  const wire: Array<() => void> = []
  const meta = await RoomMetaView.open(receiverLog.store)
  let dirty = new Set<TodoId>()
  const uiHeld = new UiHeldTodos()
  const sender: ReplicaNode = new ReplicaNode({
    replica: AUTHOR,
    room: ROOM,
    log: senderLog,
    logger,
    send: (_peer, bytes) => wire.push(() => void receiver.receive(TO_SENDER, bytes)),
  })
  const receiver: ReplicaNode = new ReplicaNode({
    replica: RECEIVER,
    room: ROOM,
    log: receiverLog,
    logger,
    send: (_peer, bytes) => wire.push(() => void sender.receive(TO_RECEIVER, bytes)),
    onStored: (events) => {
      meta.stored(events)
      for (const e of events) dirty.add(e.todo)
    },
  })
  const settled = () => Promise.all([sender.settled(), receiver.settled()])
  await step(async () => {
    void sender.connect(TO_RECEIVER)
    void receiver.connect(TO_SENDER)
    await settled()
  })
  for (let round = 0; wire.length > 0; round++) {
    if (round === MAX_ROUNDS) throw new Error(`warm-up catch-up still sending after ${MAX_ROUNDS} rounds`)
    await step(async () => {
      for (const deliver of wire.splice(0)) deliver()
      await settled()
      if (dirty.size === 0) return
      const snapshot = await logSnapshot(receiverLog, meta.meta, false, dirty, uiHeld.forPatch(isCatchingUp(receiver.engine.progress())))
      dirty = new Set()
      uiHeld.after(snapshot)
      if (!Array.isArray(snapshot.todos)) splitPatch(snapshot.todos) // always a patch: it had a dirty set
    })
  }
}
