/**
 * warmUpSqlite (client/worker/sqlite-warm-up.ts) runs both sides of a catch-up on scratch
 * databases of the same SQLite module (the receiver's where the caller says) and leaves
 * nothing behind: the databases are closed and the receiver's removed, and a store opened
 * on the module afterwards starts empty and works.
 */
import { describe, expect, it } from 'vitest'
import { WARM_UP_EVENTS, warmUpSqlite } from '../../client/worker/sqlite-warm-up.ts'
import { memorySqliteApi, openMemoryStore } from '../helpers/open-memory-sqlite.ts'
import { chain } from '../helpers/fixtures.ts'
import { nextTask } from '../../client/worker/next-task.ts'

describe('warmUpSqlite', () => {
  it('runs each step inside SqliteEventStore.exclusive, letting the store’s own calls in between steps', async () => {
    // wa-sqlite's VFS retry list is per module: two connections' async calls must not
    // interleave; but a local edit or a hello should not wait for the whole warm-up.
    const store = await openMemoryStore()
    const { sqlite3, wasm } = await memorySqliteApi()
    const order: string[] = []
    let holding = false
    let steps = 0
    const warm = warmUpSqlite(sqlite3, wasm, {
      hold: (fn) =>
        store.exclusive(async () => {
          holding = true
          steps++
          if (steps === 1) void store.count().then((n) => order.push(`count ${n} while holding: ${holding}`))
          try {
            return await fn()
          } finally {
            holding = false
            order.push(`step ${steps}`)
          }
        }),
    })
    expect(await warm).toEqual({ received: WARM_UP_EVENTS, stopped: false })
    // The sender's open and WARM_UP_EVENTS / 1000 transactions; the receiver's open; the
    // links' hellos; the catch-up's rounds (announcement and first window, acks, later
    // windows, the last ack: at least three); the checkpoint; the count; two closes.
    expect(steps).toBeGreaterThanOrEqual(1 + WARM_UP_EVENTS / 1000 + 1 + 1 + 3 + 1 + 1 + 2)
    expect(order.slice(0, 3)).toEqual(['step 1', 'count 0 while holding: false', 'step 2'])
    await store.close()
  })

  it('starts each step in a task of its own, so messages arriving meanwhile wait for one step', async () => {
    // SQLite's calls on :memory: complete synchronously: without a yield the warm-up is
    // one chain of microtasks, and a worker message waits for all of it.
    const { sqlite3, wasm } = await memorySqliteApi()
    let steps = 0
    let done = false
    const warm = warmUpSqlite(sqlite3, wasm, {
      hold: (fn) => {
        steps++
        return fn()
      },
    }).then((r) => ((done = true), r))
    let tasks = 0
    while (!done) {
      await nextTask() // a message handled between steps
      tasks++
    }
    expect(await warm).toEqual({ received: WARM_UP_EVENTS, stopped: false })
    expect(tasks).toBeGreaterThanOrEqual(steps - 1)
  })

  it('takes no further step once told to stop (a real catch-up began), and still closes its databases', async () => {
    const store = await openMemoryStore()
    const { sqlite3, wasm } = await memorySqliteApi()
    let steps = 0
    const result = await warmUpSqlite(sqlite3, wasm, {
      hold: (fn) => {
        steps++
        return store.exclusive(fn)
      },
      stop: () => steps > 3, // stop after open and two transactions
    })
    expect(result).toEqual({ received: 0, stopped: true })
    expect(steps).toBe(5) // the refused fourth step, and the close
    // The module is left as it was: the real store on it still works.
    await store.commit(chain([{ type: 'create' }]), [])
    expect(await store.count()).toBe(1)
    await store.close()
  })

  it('writes and reads its events on a scratch database, receives them in another, and closes both', async () => {
    const { sqlite3, wasm } = await memorySqliteApi()
    const opened: number[] = []
    const closed: number[] = []
    const api = new Proxy(sqlite3, {
      get(target, name, receiver) {
        const value: unknown = Reflect.get(target, name, receiver)
        if (name === 'open_v2') return async (...args: Parameters<SQLiteAPI['open_v2']>) => opened[opened.push(await target.open_v2(...args)) - 1]!
        if (name === 'close') return async (db: number) => (closed.push(db), target.close(db))
        return value
      },
    })
    // Every event written is received, checked and stored again, as a catch-up would.
    expect(await warmUpSqlite(api, wasm)).toEqual({ received: WARM_UP_EVENTS, stopped: false })
    expect(opened).toHaveLength(2)
    expect([...closed].sort()).toEqual([...opened].sort())

    const store = await openMemoryStore()
    expect(await store.count()).toBe(0)
    await store.commit(chain([{ type: 'create' }]), [])
    expect(await store.count()).toBe(1)
    await store.close()
  })

  it('stores the received events in the scratch database the caller gives, and removes it after closing it, also when stopped midway', async () => {
    const { sqlite3, wasm } = await memorySqliteApi()
    for (const stopAfter of [Infinity, 8]) {
      const calls: string[] = []
      let receiverDb = -1
      let steps = 0
      const api = new Proxy(sqlite3, {
        get(target, name, receiver) {
          const value: unknown = Reflect.get(target, name, receiver)
          if (name === 'close') return async (db: number) => (db === receiverDb && calls.push('close'), target.close(db))
          return value
        },
      })
      const result = await warmUpSqlite(api, wasm, {
        hold: (fn) => (steps++, fn()),
        stop: () => steps > stopAfter, // 8: after the receiver's open and a round of the catch-up
        receiver: {
          open: async (s) => {
            calls.push('open')
            receiverDb = await s.open_v2(':memory:')
            return receiverDb
          },
          remove: async () => void calls.push('remove'),
        },
      })
      expect(result).toEqual(stopAfter === Infinity ? { received: WARM_UP_EVENTS, stopped: false } : { received: 0, stopped: true })
      expect(calls).toEqual(['open', 'close', 'remove'])
    }
  })

  it('removes the scratch database also when opening it failed, and reports the failure', async () => {
    const { sqlite3, wasm } = await memorySqliteApi()
    const calls: string[] = []
    const warm = warmUpSqlite(sqlite3, wasm, {
      receiver: {
        open: async () => {
          calls.push('open')
          throw new Error('disk full') // e.g. after creating the file
        },
        remove: async () => void calls.push('remove'),
      },
    })
    await expect(warm).rejects.toThrow('disk full')
    expect(calls).toEqual(['open', 'remove'])
  })
})
