/**
 * Opens SqliteEventStores on in-memory wa-sqlite databases under Node (Vitest, benches).
 *
 * Uses the sync build. An unnamed database is SQLite's own ":memory:"; a named one lives in
 * wa-sqlite's MemoryVFS for the rest of the process, so it can be closed and reopened like
 * a file. The wasm is read with node:fs (Node has no fetch for file URLs) and compiled
 * once per process; every database shares that module.
 * Browser code opens stores with client/worker/open-sqlite.ts instead; this file is the
 * only place wa-sqlite meets node:*.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'
import * as SQLite from '@journeyapps/wa-sqlite'
import { MemoryVFS } from '@journeyapps/wa-sqlite/src/examples/MemoryVFS.js'
import { SqliteEventStore } from '../../client/worker/sqlite-event-store.ts'
import { Statements } from '../../client/worker/sqlite-rows.ts'
import type { SqliteWasm } from '../../client/worker/param-writer.ts'

const VFS_NAME = 'peerlog-memory'
let api: Promise<{ sqlite3: SQLiteAPI; wasm: SqliteWasm }> | undefined

/** The wa-sqlite API over one shared sync-build module (`wasm`), with MemoryVFS registered. */
export function memorySqliteApi(): Promise<{ sqlite3: SQLiteAPI; wasm: SqliteWasm }> {
  api ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('@journeyapps/wa-sqlite/dist/wa-sqlite.wasm')
    const module: object = await SQLiteESMFactory({ wasmBinary: await readFile(wasmPath) })
    const sqlite3 = SQLite.Factory(module)
    const vfs = new MemoryVFS(VFS_NAME, module)
    await vfs.isReady()
    sqlite3.vfs_register(vfs, false)
    return { sqlite3, wasm: module as SqliteWasm }
  })()
  return api
}

/** A database handle: a fresh ":memory:" one, or the MemoryVFS file `fileName` (created if new). */
export async function openMemoryDatabase(fileName?: string): Promise<{ sqlite3: SQLiteAPI; wasm: SqliteWasm; db: number }> {
  const { sqlite3, wasm } = await memorySqliteApi()
  const db = fileName === undefined ? await sqlite3.open_v2(':memory:') : await sqlite3.open_v2(fileName, undefined, VFS_NAME)
  return { sqlite3, wasm, db }
}

/** A SqliteEventStore on a fresh in-memory database, or on the MemoryVFS file `fileName`. */
export async function openMemoryStore(fileName?: string): Promise<SqliteEventStore> {
  const { sqlite3, wasm, db } = await openMemoryDatabase(fileName)
  return SqliteEventStore.open(sqlite3, db, wasm)
}

/** A fresh ":memory:" database with its statement cache, for tests of the binding layer. */
export interface MemoryStatements {
  sqlite3: SQLiteAPI
  wasm: SqliteWasm
  db: number
  sql: Statements
  /** Finalizes the statements and closes the database. */
  close(): Promise<void>
}

export async function openMemoryStatements(): Promise<MemoryStatements> {
  const { sqlite3, wasm, db } = await openMemoryDatabase()
  const sql = new Statements(sqlite3, db, wasm)
  return {
    sqlite3,
    wasm,
    db,
    sql,
    close: async () => {
      await sql.finalizeAll()
      await sqlite3.close(db)
    },
  }
}
