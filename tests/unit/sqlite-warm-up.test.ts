/**
 * warmUpSqlite (client/worker/sqlite-warm-up.ts) runs both sides of a catch-up on scratch
 * in-memory databases of the same SQLite module and leaves nothing behind: the databases
 * are closed, and a store opened on the module afterwards starts empty and works.
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
    const warm = warmUpSqlite(sqlite3, wasm, (fn) =>
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
    )
    expect(await warm).toEqual({ received: WARM_UP_EVENTS, stopped: false })
    // Writing: open, WARM_UP_EVENTS / 1000 transactions, the read, close. Receiving: open,
    // the hello, WARM_UP_EVENTS / 1000 batches, the count, close.
    expect(steps).toBe(3 + WARM_UP_EVENTS / 1000 + 4 + WARM_UP_EVENTS / 1000)
    expect(order.slice(0, 3)).toEqual(['step 1', 'count 0 while holding: false', 'step 2'])
    await store.close()
  })

  it('starts each step in a task of its own, so messages arriving meanwhile wait for one step', async () => {
    // SQLite's calls on :memory: complete synchronously: without a yield the warm-up is
    // one chain of microtasks, and a worker message waits for all of it.
    const { sqlite3, wasm } = await memorySqliteApi()
    let steps = 0
    let done = false
    const warm = warmUpSqlite(sqlite3, wasm, (fn) => {
      steps++
      return fn()
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
    const result = await warmUpSqlite(
      sqlite3,
      wasm,
      (fn) => {
        steps++
        return store.exclusive(fn)
      },
      () => steps > 3, // stop after open and two transactions
    )
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
    expect(closed).toEqual(opened)

    const store = await openMemoryStore()
    expect(await store.count()).toBe(0)
    await store.commit(chain([{ type: 'create' }]), [])
    expect(await store.count()).toBe(1)
    await store.close()
  })
})
