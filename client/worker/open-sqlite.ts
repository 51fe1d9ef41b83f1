/**
 * Opening and deleting replica databases on OPFS, inside a dedicated worker. (Listing them,
 * and removing files no worker has open, is in opfs-directory.ts, which the UI thread uses.)
 *
 *   openOpfsStore('peerlog-<room>-<replica>.db')
 *     └─ OPFS root/peerlog/peerlog-<room>-<replica>.db  (+ "-journal", "-wal" siblings)
 *   warmUpOpfsSqlite(store, stop, 'warm-up-<replica>.db')   a scratch database, removed after
 *
 * wa-sqlite's sync build with OPFSCoopSyncVFS: synchronous access handles exist only in
 * dedicated workers, and the sync build is 2–4× faster than the asyncify one. The module
 * and the VFS are created once per worker, on first use. Databases live in one OPFS
 * directory of their own, so listing them never meets the VFS's ".ahp-*" temp directories
 * or other apps' files; names passed in and returned are bare file names in it.
 *
 * Under Node use tests/helpers/open-memory-sqlite.ts: this file must stay free of node:*.
 */
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'
import * as SQLite from '@journeyapps/wa-sqlite'
import { OPFSCoopSyncVFS } from '@journeyapps/wa-sqlite/src/examples/OPFSCoopSyncVFS.js'
import wasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url'
import { SqliteEventStore } from './sqlite-event-store.ts'
import type { SqliteWasm } from './param-writer.ts'
import { combineWalWrites } from './wal-write-combining.ts'
import { type ScratchDatabase, warmUpSqlite } from './sqlite-warm-up.ts'
import { OPFS_DATABASE_DIRECTORY, SIDE_FILE_SUFFIXES, databaseFiles, removeDatabaseFiles } from './opfs-directory.ts'

export { OPFS_DATABASE_DIRECTORY, listOpfsDatabases } from './opfs-directory.ts'

const VFS_NAME = 'peerlog-opfs'
const MAX_PATHNAME = 512

interface OpfsSqlite {
  sqlite3: SQLiteAPI
  vfs: OPFSCoopSyncVFS
  wasm: SqliteWasm
}

let loading: Promise<OpfsSqlite> | undefined
/** The VFS once created: its `lastError` explains the I/O errors it reports (storage-error.ts). */
let openedVfs: OPFSCoopSyncVFS | undefined

/**
 * The exception behind the VFS's latest failure, if any, and forgets it: the VFS keeps
 * it until the next failure, and a stale one must not explain a later, unrelated error.
 */
export function takeVfsError(): unknown {
  const err = openedVfs?.lastError ?? null
  if (openedVfs) openedVfs.lastError = null
  return err
}

/**
 * Warms this worker's SQLite module up (sqlite-warm-up.ts), each step while `store` (the
 * worker's store, on the same module) runs none of its calls; no further step once
 * `stop()` (a real catch-up has begun). The receiving side stores into a scratch database
 * on OPFS, `scratchFileName`, opened as a replica's is, so the VFS's JavaScript and SQLite's
 * WAL code warm up too; it is removed afterwards, and first if a crash left it behind. The
 * name must be this tab's own (log-worker.ts derives it from the replica it holds).
 */
export async function warmUpOpfsSqlite(
  store: SqliteEventStore,
  stop: () => boolean,
  scratchFileName: string,
): Promise<{ received: number; stopped: boolean }> {
  const { sqlite3, wasm } = await opfsSqlite()
  const receiver: ScratchDatabase = {
    open: async () => {
      await deleteOpfsDatabase(scratchFileName)
      return openConfigured(sqlite3, databasePath(scratchFileName))
    },
    remove: () => deleteOpfsDatabase(scratchFileName),
  }
  return warmUpSqlite(sqlite3, wasm, { hold: (fn) => store.exclusive(fn), stop, receiver })
}

/** The wa-sqlite API with the OPFS VFS registered; created once per worker. */
function opfsSqlite(): Promise<OpfsSqlite> {
  loading ??= (async () => {
    // Vite serves or emits the .wasm and hands us its URL; Emscripten fetches it from there.
    const module = await SQLiteESMFactory({ locateFile: () => wasmUrl })
    const sqlite3 = SQLite.Factory(module)
    const vfs = await OPFSCoopSyncVFS.create(VFS_NAME, module)
    // wa-sqlite's VFS base allows 64-character paths; ours (`/peerlog/peerlog-<room>-
    // <replica>.db` plus `-journal`) are longer, and SQLite reports an over-long path
    // only as "disk I/O error". Read by vfs_register, so set before it.
    vfs.mxPathname = MAX_PATHNAME
    // A commit's WAL frames in one OPFS write instead of two per page (see the module).
    combineWalWrites(vfs)
    sqlite3.vfs_register(vfs, false)
    openedVfs = vfs
    return { sqlite3, vfs, wasm: module as SqliteWasm }
  })().catch((err: unknown) => {
    loading = undefined // let a later call try again (e.g. after a transient OPFS error)
    throw err
  })
  return loading
}

/** Opens (creating if needed) the database `fileName` and migrates it to the current schema. */
export async function openOpfsStore(fileName: string): Promise<SqliteEventStore> {
  const path = databasePath(fileName)
  const { sqlite3, wasm } = await opfsSqlite()
  const db = await openConfigured(sqlite3, path)
  try {
    return await SqliteEventStore.open(sqlite3, db, wasm)
  } catch (err) {
    await sqlite3.close(db)
    throw err
  }
}

/** Opens (creating if needed) the database at VFS path `path`, configured as below. */
async function openConfigured(sqlite3: SQLiteAPI, path: string): Promise<number> {
  const db = await sqlite3.open_v2(path, SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE, VFS_NAME)
  try {
    // One tab owns a replica (a Web Lock guards it), so the connection may keep its lock:
    // with locking_mode=EXCLUSIVE each statement stops paying a read transaction's file
    // checks (~105 µs -> ~10 µs per SELECT on OPFS; 5,000 id lookups 6.7 s -> 0.13 s), and
    // WAL, which exclusive mode allows without shared memory, halves the page writes of a
    // commit. Every page SQLite does not cache is a synchronous OPFS read: 32 MiB keeps
    // the indexes of a 100k-event log in memory. synchronous stays at the build's default,
    // NORMAL: in WAL mode a commit is written to the WAL file but not flushed to disk, so
    // it survives a crash of the tab or the browser, and only an OS crash or power loss
    // can take the last commits before a checkpoint (peers hold them too, and resend).
    await sqlite3.exec(db, 'PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY')
    return db
  } catch (err) {
    await sqlite3.close(db)
    throw err
  }
}

/**
 * Deletes the database `fileName` and its side files. Its store must be closed first (in
 * this worker: otherwise this rejects; in another: OPFS refuses with
 * NoModificationAllowedError). Deleting a database that does not exist does nothing.
 */
export async function deleteOpfsDatabase(fileName: string): Promise<void> {
  const path = databasePath(fileName)
  const files = databaseFiles(fileName)
  if (loading) {
    // The VFS remembers every file it opened, with a handle that deletion makes stale;
    // reopening the same name later must start from a fresh record.
    const { vfs } = await loading
    if (vfs.persistentFiles.get(path)?.accessHandle) throw new Error(`database ${fileName} is open; close its store first`)
    for (const name of files) {
      const p = `/${OPFS_DATABASE_DIRECTORY}/${name}`
      vfs.persistentFiles.get(p)?.handleRequestChannel?.close()
      vfs.persistentFiles.delete(p)
      vfs.accessiblePaths.delete(p)
    }
  }
  await removeDatabaseFiles(fileName)
}

/**
 * The VFS path of a database file name. Names are restricted to characters a URL path
 * keeps as they are: the VFS parses the path as a URL, so "a b.db" would be stored as
 * "a%20b.db" and "a#b.db" as "a".
 */
function databasePath(fileName: string): string {
  const plain = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(fileName)
  if (!plain || SIDE_FILE_SUFFIXES.some((s) => fileName.endsWith(s))) {
    throw new Error(`not a database file name: ${JSON.stringify(fileName)}`)
  }
  return `/${OPFS_DATABASE_DIRECTORY}/${fileName}`
}
