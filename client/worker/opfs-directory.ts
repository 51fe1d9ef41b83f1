/**
 * The OPFS directory of replica databases: listing and removing their files.
 *
 *   OPFS root/peerlog/peerlog-<room>-<replica>.db  (+ "-journal", "-wal" siblings)
 *                     warm-up-<replica>.db          a warm-up's scratch (replica-claim.ts)
 *
 * Free of wa-sqlite, so the UI thread uses it too (the rooms menu lists rooms and deletes
 * the replicas of a room it leaves): only opening a database needs a worker. Removing
 * files here knows nothing of SQLite; a database must not be open anywhere (its Web
 * Lock, replica-claim.ts, says so), and a worker that opened it goes through
 * deleteOpfsDatabase (open-sqlite.ts), which also resets the VFS's record of it.
 */

/** The OPFS directory (under the origin's root) that holds every replica database. */
export const OPFS_DATABASE_DIRECTORY = 'peerlog'

/** Files SQLite keeps next to a database; OPFSCoopSyncVFS creates them on open. */
export const SIDE_FILE_SUFFIXES = ['-journal', '-wal']

/** A database file name and its side files. */
export const databaseFiles = (fileName: string): string[] => [fileName, ...SIDE_FILE_SUFFIXES.map((s) => fileName + s)]

/** Names of the database files stored on OPFS, sorted. */
export async function listOpfsDatabases(): Promise<string[]> {
  const dir = await databaseDirectory()
  if (!dir) return []
  const names: string[] = []
  for await (const [name, handle] of entriesOf(dir)) {
    if (handle.kind === 'file' && !SIDE_FILE_SUFFIXES.some((s) => name.endsWith(s))) names.push(name)
  }
  return names.sort()
}

/** Removes a database file and its side files; files that do not exist are skipped. */
export async function removeDatabaseFiles(fileName: string): Promise<void> {
  const dir = await databaseDirectory()
  if (!dir) return
  for (const name of databaseFiles(fileName)) {
    try {
      await dir.removeEntry(name)
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'NotFoundError')) throw err
    }
  }
}

/** The database directory, or null before the first database was created. */
async function databaseDirectory(): Promise<FileSystemDirectoryHandle | null> {
  const root = await navigator.storage.getDirectory()
  try {
    return await root.getDirectoryHandle(OPFS_DATABASE_DIRECTORY)
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotFoundError') return null
    throw err
  }
}

/** Directory entries; the project's TS lib list lacks DOM.AsyncIterable, which types this. */
function entriesOf(dir: FileSystemDirectoryHandle): AsyncIterable<[string, FileSystemHandle]> {
  return (dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()
}
