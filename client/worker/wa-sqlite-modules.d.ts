/**
 * Types for the wa-sqlite deep imports that the package's own declarations
 * (node_modules/@journeyapps/wa-sqlite/src/types/index.d.ts) leave out.
 *
 * That file already declares the global `SQLiteAPI` interface and the modules
 * '@journeyapps/wa-sqlite', '.../dist/wa-sqlite.mjs' and '.../src/VFS.js'; the reference
 * below loads it wherever this file is part of the program, so those are not repeated
 * here (a second `declare module` of the same name would merge or clash).
 */
/// <reference types="@journeyapps/wa-sqlite" />

declare module '@journeyapps/wa-sqlite/src/examples/OPFSCoopSyncVFS.js' {
  import { Base } from '@journeyapps/wa-sqlite/src/VFS.js'

  /**
   * OPFS VFS with synchronous methods (use with the sync build, in a dedicated worker).
   * A database named "a/b.db" is the OPFS file /a/b.db under navigator.storage.getDirectory(),
   * with siblings "b.db-journal" and "b.db-wal" created alongside; temporary files live in
   * ".ahp-*" directories at the OPFS root.
   */
  export class OPFSCoopSyncVFS extends Base {
    /** Creates the VFS; register it with `sqlite3.vfs_register(vfs, makeDefault)`. */
    static create(name: string, module: object): Promise<OPFSCoopSyncVFS>
    /**
     * Files this VFS has opened, keyed by absolute OPFS path ("/a/b.db", "/a/b.db-journal").
     * Entries outlive closing the database: `accessHandle` is null while it is closed.
     */
    persistentFiles: Map<string, OPFSCoopSyncPersistentFile>
    /** Paths SQLite may see as existing (xAccess answers from this set). */
    accessiblePaths: Set<string>
    /** The exception behind the last error code it returned to SQLite (never cleared by it). */
    lastError: unknown
  }

  /** The VFS's record of one OPFS file (an internal class, not exported by the package). */
  export interface OPFSCoopSyncPersistentFile {
    fileHandle: FileSystemFileHandle | null
    accessHandle: FileSystemSyncAccessHandle | null
    handleRequestChannel?: BroadcastChannel
  }
}
