import { describe, expect, it } from 'vitest'
import { openMemoryDatabase, openMemoryStore } from '../helpers/open-memory-sqlite.ts'
import { SqliteEventStore } from '../../client/worker/sqlite-event-store.ts'
import { SCHEMA_VERSION, SchemaTooNewError, userVersion } from '../../client/worker/sqlite-schema.ts'
import { emptyTodo } from '../../shared/todo-fold.ts'
import { sortEvents } from '../../shared/order.ts'
import { ev, todo } from '../helpers/fixtures.ts'
import { runEventStoreContract } from './event-store-contract.ts'

runEventStoreContract('SqliteEventStore (wa-sqlite, in memory)', async () => ({ store: await openMemoryStore() }))

describe('SqliteEventStore beyond the port', () => {
  it('migrates a new database to the current schema version', async () => {
    const { sqlite3, wasm, db } = await openMemoryDatabase()
    const store = await SqliteEventStore.open(sqlite3, db, wasm)
    expect(await userVersion(sqlite3, db)).toBe(SCHEMA_VERSION)
    await store.close()
  })

  it('finds everything again after closing and reopening the file', async () => {
    const [e1, e2] = [ev([], { type: 'create' }), ev([], { type: 'create', todo: todo(2) })]
    const first = await openMemoryStore('reopen.db')
    await first.commit([e1, e2], [emptyTodo(todo(1))])
    await first.setMeta('replica', 'r1')
    await first.close()
    const again = await openMemoryStore('reopen.db')
    expect(await again.eventsAfter(new Map())).toStrictEqual(sortEvents([e1, e2]))
    expect(await again.heads()).toEqual([e1.id, e2.id].sort())
    expect(await again.loadTodos()).toStrictEqual([emptyTodo(todo(1))])
    expect(await again.getMeta('replica')).toBe('r1')
    await again.close()
  })

  it('refuses a database written by a newer schema', async () => {
    const { sqlite3, wasm, db } = await openMemoryDatabase()
    await sqlite3.exec(db, `PRAGMA user_version = ${SCHEMA_VERSION + 1}`)
    await expect(SqliteEventStore.open(sqlite3, db, wasm)).rejects.toBeInstanceOf(SchemaTooNewError)
    await sqlite3.close(db)
  })
})
