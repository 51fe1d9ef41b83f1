/**
 * The EventStore contract on real OPFS in Chromium (Vitest browser mode, see
 * vitest.browser.config.ts), plus what only a real file can show: reopening, listing,
 * deleting, bytes on disk.
 *
 * The stores live in a dedicated worker (opfs-contract-worker.ts); `RemoteEventStore`
 * forwards each port call there. One consequence: the contract's poisoned event fails to
 * clone before it reaches the worker, so its atomicity test passes without SQLite's help
 * here; "a commit that fails on a missing parent leaves nothing on disk" below covers a
 * real rollback on OPFS.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { type EventStore, StoreClosedError } from '../../shared/event-store.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { sortEvents } from '../../shared/order.ts'
import { foldTodo } from '../../shared/todo-fold.ts'
import { chain, ev, todo } from '../helpers/fixtures.ts'
import { runEventStoreContract } from './event-store-contract.ts'
import { WARM_UP_EVENTS } from '../../client/worker/sqlite-warm-up.ts'
import type { OpfsReply, OpfsRequest } from './opfs-contract-worker.ts'

const worker = new Worker(new URL('./opfs-contract-worker.ts', import.meta.url), { type: 'module' })
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
let nextId = 1
worker.addEventListener('message', (event: MessageEvent<OpfsReply>) => {
  const reply = event.data
  const call = pending.get(reply.id)
  pending.delete(reply.id)
  if (!call) return
  if ('ok' in reply) return call.resolve(reply.ok)
  const err = reply.error.name === 'StoreClosedError' ? new StoreClosedError() : new Error(reply.error.message)
  err.name = reply.error.name
  call.reject(err)
})
afterAll(() => worker.terminate())

function rpc<T>(request: OpfsRequest): Promise<T> {
  const id = nextId++
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    worker.postMessage({ id, ...request })
  })
}

/** An EventStore whose calls run on a SqliteEventStore in the worker. */
class RemoteEventStore implements EventStore {
  constructor(readonly handle: number) {}
  static async open(file: string): Promise<RemoteEventStore> {
    return new RemoteEventStore(await rpc<number>({ op: 'open', file }))
  }
  #call<T>(method: keyof EventStore, ...args: unknown[]): Promise<T> {
    return rpc<T>({ op: 'call', store: this.handle, method, args })
  }
  heads = () => this.#call<Awaited<ReturnType<EventStore['heads']>>>('heads')
  lamportsOf: EventStore['lamportsOf'] = (ids) => this.#call('lamportsOf', ids)
  get: EventStore['get'] = (ids) => this.#call('get', ids)
  clock: EventStore['clock'] = () => this.#call('clock')
  eventsAfter: EventStore['eventsAfter'] = (clock) => this.#call('eventsAfter', clock)
  countAfter: EventStore['countAfter'] = (clock) => this.#call('countAfter', clock)
  eventsAfterFrom: EventStore['eventsAfterFrom'] = (clock, after, limit, among) => this.#call('eventsAfterFrom', clock, after, limit, among)
  eventsOfTodo: EventStore['eventsOfTodo'] = (t) => this.#call('eventsOfTodo', t)
  childrenOf: EventStore['childrenOf'] = (ids) => this.#call('childrenOf', ids)
  eventsFrom: EventStore['eventsFrom'] = (after, limit) => this.#call('eventsFrom', after, limit)
  eventsBefore: EventStore['eventsBefore'] = (before, limit) => this.#call('eventsBefore', before, limit)
  count: EventStore['count'] = () => this.#call('count')
  loadTodos: EventStore['loadTodos'] = () => this.#call('loadTodos')
  commit: EventStore['commit'] = (events, todos) => this.#call('commit', events, todos)
  replaceTodos: EventStore['replaceTodos'] = (todos) => this.#call('replaceTodos', todos)
  getMeta: EventStore['getMeta'] = (key) => this.#call('getMeta', key)
  setMeta: EventStore['setMeta'] = (key, value) => this.#call('setMeta', key, value)
  close: EventStore['close'] = () => this.#call('close')
}

let files = 0
const freshFile = () => `contract-${Date.now().toString(36)}-${files++}.db`

// Commits cost tens of milliseconds on OPFS in a headless (incognito) context, so the
// random-DAG comparison runs fewer cases here than under Node.
runEventStoreContract(
  'SqliteEventStore (wa-sqlite, OPFS in a worker)',
  async () => {
    const file = freshFile()
    return { store: await RemoteEventStore.open(file), teardown: () => rpc({ op: 'delete', file }) }
  },
  { propertyRuns: 12 },
)

describe('SqliteEventStore on OPFS', () => {
  it('keeps its events across close and reopen, at no more than 200 bytes per added event', async () => {
    const file = freshFile()
    const events = chain(
      Array.from({ length: 3000 }, (_, i) => {
        const t = todo(Math.floor(i / 4))
        const step = [
          { todo: t, type: 'create' },
          { todo: t, type: 'set_content', value: `todo number ${i}` },
          { todo: t, type: 'add_to_list', value: 'home' },
          { todo: t, type: 'complete', value: true },
        ]
        return step[i % 4]!
      }),
    )
    /** Commits `slice` in batches of 100 with the todo states they produce, then closes. */
    const commitAndClose = async (slice: TodoEvent[]) => {
      const store = await RemoteEventStore.open(file)
      for (let i = 0; i < slice.length; i += 100) {
        const batch = slice.slice(i, i + 100)
        const upTo = events.indexOf(batch.at(-1)!) + 1
        const touched = [...new Set(batch.map((e) => e.todo))]
        await store.commit(batch, touched.map((t) => foldTodo(t, events.slice(0, upTo).filter((e) => e.todo === t))))
      }
      await store.close()
      return rpc<number>({ op: 'size', file })
    }
    // Bytes per event beyond the fixed cost of an empty schema (a page per table and index).
    const before = await commitAndClose(events.slice(0, 1000))
    const after = await commitAndClose(events.slice(1000))
    const perEvent = (after - before) / 2000
    console.info(`OPFS file: ${after} bytes for ${events.length} events and ${events.length / 4} todo states; ${perEvent.toFixed(1)} bytes per added event`)
    expect(perEvent).toBeLessThanOrEqual(200)

    const again = await RemoteEventStore.open(file)
    expect(await again.count()).toBe(3000)
    expect(await again.heads()).toEqual([events.at(-1)!.id])
    expect(await again.eventsAfter(new Map([[events[0]!.author, 2990]]))).toStrictEqual(events.slice(2990))
    expect(await again.eventsOfTodo(todo(700))).toStrictEqual(events.slice(2800, 2804))
    expect(await again.loadTodos()).toHaveLength(750)
    await again.close()
    await rpc({ op: 'delete', file })
  })

  it('a commit that fails on a missing parent leaves nothing on disk', async () => {
    const file = freshFile()
    const e1 = ev([], { type: 'create' })
    const orphan = ev([ev([], { type: 'create', todo: todo(9) })], { type: 'set_content', value: 'x' })
    const first = await RemoteEventStore.open(file)
    await expect(first.commit(sortEvents([e1, orphan] as TodoEvent[]), [])).rejects.toThrow(/not stored/)
    await first.close()
    const again = await RemoteEventStore.open(file)
    expect(await again.count()).toBe(0)
    await again.close()
    await rpc({ op: 'delete', file })
  })

  it('lists database files and deletes them, after which the name opens empty', async () => {
    const file = freshFile()
    const store = await RemoteEventStore.open(file)
    await store.commit([ev([], { type: 'create' })], [])
    await expect(rpc({ op: 'delete', file })).rejects.toThrow(/open/)
    await store.close()
    expect(await rpc<string[]>({ op: 'list' })).toContain(file)
    await rpc({ op: 'delete', file })
    expect(await rpc<string[]>({ op: 'list' })).not.toContain(file)
    const reopened = await RemoteEventStore.open(file)
    expect(await reopened.count()).toBe(0)
    await reopened.close()
    await rpc({ op: 'delete', file })
  })

  it('warms SQLite up through a scratch database on OPFS and removes it, a leftover of a crashed one too, leaving the real store as it was', async () => {
    const file = freshFile()
    const scratch = `warm-up-${file}`
    const leftover = await RemoteEventStore.open(scratch) // as if a tab died mid-warm-up
    await leftover.commit([ev([], { type: 'create' })], [])
    await leftover.close()
    const store = await RemoteEventStore.open(file)
    const [e1] = chain([{ type: 'create' }])
    await store.commit([e1!], [])
    const result = await rpc<{ received: number; stopped: boolean }>({ op: 'warm-up', store: store.handle, scratch })
    expect(result).toEqual({ received: WARM_UP_EVENTS, stopped: false })
    expect((await rpc<string[]>({ op: 'entries' })).filter((name) => name.startsWith(scratch))).toEqual([]) // side files too
    expect(await store.count()).toBe(1)
    await store.commit(chain([{ type: 'set_content', value: 'after' }], [e1!]), [])
    expect(await store.count()).toBe(2)
    await store.close()
    await rpc({ op: 'delete', file })
  })
})
