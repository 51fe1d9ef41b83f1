/**
 * Schema version 2 (client/worker/sqlite-schema.ts) adds the indexes behind `childrenOf`
 * and `eventsFrom`. A database written at version 1 must upgrade in place on open.
 */
import { describe, expect, it } from 'vitest'
import { SqliteEventStore } from '../../client/worker/sqlite-event-store.ts'
import { SCHEMA_VERSION, userVersion } from '../../client/worker/sqlite-schema.ts'
import { sortEvents } from '../../shared/order.ts'
import { ev } from '../helpers/fixtures.ts'
import { openMemoryDatabase } from '../helpers/open-memory-sqlite.ts'

describe('SqliteEventStore schema version 2', () => {
  it('upgrades a version-1 database in place, keeping its events', async () => {
    const e1 = ev([], { type: 'create' })
    const e2 = ev([e1], { type: 'set_content', value: 'kept' })
    const first = await openMemoryDatabase('v1-upgrade.db')
    const written = await SqliteEventStore.open(first.sqlite3, first.db, first.wasm)
    await written.commit([e1, e2], [])
    // Turn it back into what version 1 wrote.
    await first.sqlite3.exec(first.db, 'DROP INDEX event_dag_parent; DROP INDEX event_lamport; PRAGMA user_version = 1')
    await written.close()

    const { sqlite3, wasm, db } = await openMemoryDatabase('v1-upgrade.db')
    const store = await SqliteEventStore.open(sqlite3, db, wasm)
    expect(SCHEMA_VERSION).toBe(2)
    expect(await userVersion(sqlite3, db)).toBe(2)
    const indexes: string[] = []
    await sqlite3.exec(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('event_dag_parent', 'event_lamport') ORDER BY name", (row) => {
      indexes.push(String(row[0]))
    })
    expect(indexes).toEqual(['event_dag_parent', 'event_lamport'])
    expect(await store.childrenOf([e1.id])).toStrictEqual([e2])
    expect(await store.eventsFrom(null, 10)).toStrictEqual(sortEvents([e1, e2]))
    await store.close()
  })
})
