/**
 * A full disk refuses a local change whole and loses nothing already stored.
 *
 * Two stores run out of space mid-session: wa-sqlite (in memory, under Node) capped by
 * max_page_count, which fails a growing commit with a real SQLITE_FULL, and a
 * MemoryEventStore whose commit throws OPFS's QuotaExceededError. In both:
 *   1. the change that did not fit is rejected, and the error reads as "storage is full";
 *   2. the log is as before it: same events, heads and clock, and the materialized todos
 *      (in memory and as stored) equal a fold of the log;
 *   3. the replica keeps working: once there is room again, the next change is stored on
 *      top of the same heads.
 */
import { describe, expect, it } from 'vitest'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import type { EventStore } from '../../shared/event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { ReplicaNode } from '../../shared/sync/replica-node.ts'
import { type TodoId, newRoomId, newTodoId } from '../../shared/ids.ts'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { MAX_CONTENT_LENGTH } from '../../shared/event.ts'
import { recordingLogger } from '../../shared/log.ts'
import { isStorageFull } from '../../client/worker/storage-error.ts'
import { SqliteEventStore } from '../../client/worker/sqlite-event-store.ts'
import { openMemoryDatabase } from '../helpers/open-memory-sqlite.ts'
import { replica } from '../helpers/fixtures.ts'

interface Disk {
  store: EventStore
  /** From now on, the disk has no room to grow. */
  fill(): Promise<void>
  /** Room again. */
  free(): Promise<void>
}

async function sqliteDisk(): Promise<Disk> {
  const { sqlite3, wasm, db } = await openMemoryDatabase()
  const store = await SqliteEventStore.open(sqlite3, db, wasm)
  return {
    store,
    // SQLite raises max_page_count to the current size if asked for less: the file may not grow.
    fill: async () => void (await sqlite3.exec(db, 'PRAGMA max_page_count = 1')),
    free: async () => void (await sqlite3.exec(db, 'PRAGMA max_page_count = 1073741823')),
  }
}

/** A MemoryEventStore whose commits throw what OPFS throws when the origin's quota is used up. */
async function quotaDisk(): Promise<Disk> {
  const inner = new MemoryEventStore()
  let full = false
  const store = new Proxy(inner, {
    get(target, key) {
      const member = Reflect.get(target, key, target) as unknown
      if (key === 'commit' && full) return () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
      return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member
    },
  })
  return { store, fill: async () => void (full = true), free: async () => void (full = false) }
}

/** Both ways a disk fills up, for each scenario below. */
const DISKS: Array<[string, () => Promise<Disk>]> = [
  ['wa-sqlite at its max_page_count (SQLITE_FULL)', sqliteDisk],
  ['a store whose commit throws QuotaExceededError', quotaDisk],
]

const bigTitle = (i: number) => `${i} `.padEnd(MAX_CONTENT_LENGTH, 'x')

/** Everything observable about a log. */
async function observe(log: TodoLog) {
  return {
    count: await log.store.count(),
    heads: await log.store.heads(),
    clock: await log.store.clock(),
    events: (await log.store.eventsAfter(new Map())).map((e) => e.id),
    states: log.states().sort((a, b) => (a.id < b.id ? -1 : 1)),
    stored: (await log.store.loadTodos()).sort((a, b) => (a.id < b.id ? -1 : 1)),
    hash: log.stateHash(),
  }
}

describe.each(DISKS)('storage full: %s', (_, makeDisk) => {
  it('refuses the change whole, keeps the log as it was, and goes on once there is room', async () => {
    const disk = await makeDisk()
    const log = await TodoLog.open(disk.store)
    const node = new ReplicaNode({ replica: replica(1), room: newRoomId(), log, logger: recordingLogger(), send: () => {} })
    const add = (todo: TodoId, i: number) =>
      node.actMany([
        { todo, type: 'create', value: null, time: i },
        { todo, type: 'set_content', value: bigTitle(i), time: i },
      ])
    for (let i = 0; i < 3; i++) await add(newTodoId(), i)

    // Write until the disk refuses (the first commit that needs a new page).
    await disk.fill()
    let before = await observe(log)
    let failure: unknown = null
    for (let i = 3; i < 200 && failure === null; i++) {
      before = await observe(log)
      await add(newTodoId(), i).catch((err: unknown) => (failure = err))
    }
    expect(failure, 'the disk never filled up').not.toBeNull()
    expect(isStorageFull(failure)).toBe(true)

    // Nothing of the refused change, nothing lost of what was stored before it.
    const after = await observe(log)
    expect(after).toEqual(before)
    const reopened = await TodoLog.open(disk.store)
    expect(reopened.states().sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(before.states)
    expect(reopened.stateHash()).toBe(before.hash)

    // Room again: the replica carries on from the same heads.
    await disk.free()
    const todo = newTodoId()
    const [created] = await add(todo, 1000)
    expect(created!.parents).toEqual(before.heads)
    expect(await disk.store.count()).toBe(before.count + 2)
    expect(log.todo(todo)?.content).toBe(bigTitle(1000))
  })
})

describe.each(DISKS)('storage full while a peer sends changes: %s', (_, makeDisk) => {
  it('reports the failure, stores none of them, and gets them all on the next link once there is room', async () => {
    const disk = await makeDisk()
    const room = newRoomId()
    const failures: unknown[] = []
    const frames: Array<{ to: 'a' | 'b'; bytes: Uint8Array }> = []
    const a = new ReplicaNode({
      replica: replica(1),
      room,
      log: await TodoLog.open(disk.store),
      logger: recordingLogger(),
      send: (_peer, bytes) => frames.push({ to: 'b', bytes }),
      onInputFailed: (_what, err) => failures.push(err),
    })
    const b = new ReplicaNode({
      replica: replica(2),
      room,
      log: await TodoLog.open(new MemoryEventStore()),
      logger: recordingLogger(),
      send: (_peer, bytes) => frames.push({ to: 'a', bytes }),
    })
    const flush = async () => {
      while (frames.length > 0) {
        const { to, bytes } = frames.shift()!
        await (to === 'a' ? a.receive('b' as PeerId, bytes) : b.receive('a' as PeerId, bytes))
      }
    }
    const link = async () => {
      await a.connect('b' as PeerId)
      await b.connect('a' as PeerId)
      await flush()
    }
    for (let i = 0; i < 20; i++) {
      const todo = newTodoId()
      await b.actMany([
        { todo, type: 'create', value: null, time: i },
        { todo, type: 'set_content', value: bigTitle(i), time: i },
      ])
    }

    await disk.fill()
    const before = await observe(a.log)
    await link()
    expect(failures.length).toBeGreaterThan(0)
    expect(failures.every((err) => isStorageFull(err))).toBe(true)
    expect(await observe(a.log)).toEqual(before)

    // Room again; a new link (a reload does the same) brings every event.
    await disk.free()
    await a.disconnect('b' as PeerId)
    await b.disconnect('a' as PeerId)
    await link()
    expect(await a.log.store.heads()).toEqual(await b.log.store.heads())
    expect(a.log.stateHash()).toBe(b.log.stateHash())
  })
})

describe('isStorageFull', () => {
  it.each([
    ['SQLITE_FULL', Object.assign(new Error('database or disk is full'), { code: 13 })],
    ['OPFS QuotaExceededError', new DOMException('quota', 'QuotaExceededError')],
    ['an I/O error whose VFS cause was the quota', Object.assign(new Error('disk I/O error'), { code: 778 }), new DOMException('q', 'QuotaExceededError')],
  ])('says yes to %s', (_, err, cause?: unknown) => {
    expect(isStorageFull(err, cause ?? null)).toBe(true)
  })

  it.each([
    ['another SQLite error', Object.assign(new Error('database disk image is malformed'), { code: 11 })],
    ['an I/O error with another cause', Object.assign(new Error('disk I/O error'), { code: 778 }), new DOMException('gone', 'NotFoundError')],
    ['a closed store', new Error('event store is closed')],
  ])('says no to %s', (_, err, cause?: unknown) => {
    expect(isStorageFull(err, cause ?? null)).toBe(false)
  })
})
