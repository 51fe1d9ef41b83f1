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
 * also receives its events as a peer's frames, through a SyncEngine, into a second
 * scratch database.
 */
import { TodoLog, type LocalAction } from '../../shared/todo-log.ts'
import { type ReplicaId, type RoomId, type TodoId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { encodeEvent } from '../../shared/event-codec.ts'
import { encodeMessage } from '../../shared/sync/messages.ts'
import { type PeerId, SyncEngine } from '../../shared/sync/sync-engine.ts'
import { consoleLogger } from '../../shared/log.ts'
import { SqliteEventStore } from './sqlite-event-store.ts'
import type { SqliteWasm } from './param-writer.ts'
import { nextTask } from './next-task.ts'

/** Events the warm-up writes, in transactions of WARM_UP_BATCH. */
export const WARM_UP_EVENTS = 4000
const WARM_UP_BATCH = 1000

/**
 * Runs `fn` while the worker's own store runs none of its calls (SqliteEventStore.exclusive):
 * wa-sqlite keeps one list of pending VFS retry operations per module, so the async calls
 * of two connections must not interleave.
 */
export type Hold = <T>(fn: () => Promise<T>) => Promise<T>

/**
 * Writes and reads WARM_UP_EVENTS events in a ":memory:" database of `sqlite3`, receives
 * them in a second one, and closes both; returns how many the second stored. Each step
 * (open, one transaction, the read, the hello, one received batch, the count, close) runs
 * in a task and a `hold` of its own, so a message that arrives meanwhile (a local edit, a
 * peer's hello) and the store calls it makes wait for one step, not for the whole warm-up.
 */
export async function warmUpSqlite(
  sqlite3: SQLiteAPI,
  wasm: SqliteWasm,
  holdStore: Hold = (fn) => fn(),
  stop: () => boolean = () => false,
): Promise<{ received: number; stopped: boolean }> {
  const hold = inTaskOfItsOwn(holdStore)
  const step: Hold = (fn) =>
    hold(() => {
      if (stop()) throw new WarmUpStopped()
      return fn()
    })
  try {
    return { received: await warmUpSteps(sqlite3, wasm, step, hold), stopped: false }
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
async function warmUpSteps(sqlite3: SQLiteAPI, wasm: SqliteWasm, step: Hold, hold: Hold): Promise<number> {
  const { store, log } = await step(() => openScratch(sqlite3, wasm))
  let sent: TodoEvent[]
  try {
    for (let done = 0; done < WARM_UP_EVENTS; done += WARM_UP_BATCH) {
      const actions: LocalAction[] = []
      for (let i = done; i < done + WARM_UP_BATCH; i++) {
        const todo = (i >> 2).toString(16).padStart(32, '0') as TodoId
        actions.push({ todo, type: ['create', 'set_content', 'add_to_list', 'complete'][i & 3]!, value: i % 4 === 0 ? null : i % 4 === 3 ? true : `warm-up ${i}`, time: 0 })
      }
      await step(() => log.authorMany(AUTHOR, actions))
    }
    // The reads a sender's catch-up makes.
    sent = await step(() => store.eventsAfterFrom(new Map(), null, WARM_UP_EVENTS, WARM_UP_EVENTS))
  } finally {
    await hold(() => store.close())
  }
  return receive(sqlite3, wasm, step, hold, sent)
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
const PEER = 'warm-up' as PeerId

async function openScratch(sqlite3: SQLiteAPI, wasm: SqliteWasm): Promise<{ store: SqliteEventStore; log: TodoLog }> {
  const db = await sqlite3.open_v2(':memory:')
  try {
    const store = await SqliteEventStore.open(sqlite3, db, wasm)
    return { store, log: await TodoLog.open(store) }
  } catch (err) {
    await sqlite3.close(db)
    throw err
  }
}

/**
 * The receiving side: `events` arrive from a peer in frames, two per batch, and are
 * checked and stored as a catch-up's are (ReplicaNode applies a batch's store effect
 * the same way).
 */
async function receive(sqlite3: SQLiteAPI, wasm: SqliteWasm, step: Hold, hold: Hold, events: readonly TodoEvent[]): Promise<number> {
  const { store, log } = await step(() => openScratch(sqlite3, wasm))
  try {
    const engine = new SyncEngine({ replica: RECEIVER, room: ROOM, store, log: consoleLogger('sqlite-warm-up') })
    await step(async () => {
      await engine.peerConnected(PEER)
      await engine.receive(PEER, encodeMessage({ type: 'hello', replica: AUTHOR, room: ROOM, clock: new Map(), heads: [] }))
    })
    const half = WARM_UP_BATCH / 2
    for (let at = 0; at < events.length; at += WARM_UP_BATCH) {
      const frames = [at, at + half].map((from) => encodeMessage({ type: 'events', events: events.slice(from, from + half).map(encodeEvent) }))
      await step(async () => {
        for (const effect of await engine.receiveMany(PEER, frames)) if (effect.type === 'store') await log.ingest(effect.events, effect.stored)
      })
    }
    return await step(() => store.count())
  } finally {
    await hold(() => store.close())
  }
}
