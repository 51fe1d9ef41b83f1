/**
 * A dedicated worker that hosts SqliteEventStores on real OPFS for the browser contract
 * run (opfs-event-store.browser.test.ts). OPFS sync access handles exist only in
 * workers, so the test page drives the stores from here over a tiny RPC:
 *
 *   page ── {id, op, …} ──▶ worker: open/call/delete/list/size ──▶ {id, ok} | {id, error}
 *
 * Results and arguments travel by structured clone (Maps, arrays and plain events do).
 */
import type { EventStore } from '../../shared/event-store.ts'
import { deleteOpfsDatabase, listOpfsDatabases, openOpfsStore, OPFS_DATABASE_DIRECTORY, warmUpOpfsSqlite } from '../../client/worker/open-sqlite.ts'
import type { SqliteEventStore } from '../../client/worker/sqlite-event-store.ts'

export type OpfsRequest =
  | { op: 'open'; file: string }
  | { op: 'call'; store: number; method: keyof EventStore; args: unknown[] }
  | { op: 'delete'; file: string }
  | { op: 'list' }
  | { op: 'entries' }
  | { op: 'size'; file: string }
  | { op: 'warm-up'; store: number; scratch: string }

export type OpfsReply = { id: number; ok: unknown } | { id: number; error: { name: string; message: string } }

const stores = new Map<number, SqliteEventStore>()
let nextStore = 1

async function answer(request: OpfsRequest): Promise<unknown> {
  switch (request.op) {
    case 'open': {
      const handle = nextStore++
      stores.set(handle, await openOpfsStore(request.file))
      return handle
    }
    case 'call': {
      const store = stores.get(request.store)
      if (!store) throw new Error(`no store ${request.store}`)
      const method = store[request.method] as (...args: unknown[]) => Promise<unknown>
      return method.apply(store, request.args)
    }
    case 'delete':
      return deleteOpfsDatabase(request.file)
    case 'list':
      return listOpfsDatabases()
    case 'entries': {
      // Every file of the directory, side files ("-journal", "-wal") included.
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(OPFS_DATABASE_DIRECTORY)
      const names: string[] = []
      for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name)
      return names.sort()
    }
    case 'warm-up': {
      const store = stores.get(request.store)
      if (!store) throw new Error(`no store ${request.store}`)
      return warmUpOpfsSqlite(store, () => false, request.scratch)
    }
    case 'size': {
      const root = await navigator.storage.getDirectory()
      const dir = await root.getDirectoryHandle(OPFS_DATABASE_DIRECTORY)
      return (await (await dir.getFileHandle(request.file)).getFile()).size
    }
  }
}

addEventListener('message', (event: MessageEvent<{ id: number } & OpfsRequest>) => {
  const { id } = event.data
  answer(event.data).then(
    (ok) => postMessage({ id, ok } satisfies OpfsReply),
    (err: unknown) => {
      const { name, message } = err instanceof Error ? err : new Error(String(err))
      postMessage({ id, error: { name, message } } satisfies OpfsReply)
    },
  )
})
