/**
 * Write combining for the write-ahead log, installed on the OPFS VFS (open-sqlite.ts).
 *
 * SQLite appends a transaction to the WAL as two writes per page (a 24-byte frame header,
 * then the page), and on OPFS each FileSystemSyncAccessHandle.write costs ~15 µs whatever
 * its size. In a large log a 100-event commit dirties ~135 pages — ~100 of them leaves of
 * the random-keyed id index, which a 1k log has only 6 of — so it paid ~270 writes, ~4 ms
 * of a ~9 ms apply (~80 writes, 1.3 ms at 1k). Here consecutive WAL writes are gathered
 * in memory and written with one call (~0.3 ms) when the commit frame has been appended.
 *
 * Durability is unchanged: the commit frame, and every frame before it, reaches the file
 * before SQLite's write of it returns, as without combining; a sync, read, truncate, size
 * query or close of the WAL writes out whatever is pending first, so SQLite never sees the
 * file differ from what it wrote. Frames of a transaction that is rolled back before its
 * commit frame may stay in memory until the next of those; SQLite ignores such frames.
 * The buffer is reused: a copy per write made enough garbage to cost more than it saved.
 */
import * as VFS from '@journeyapps/wa-sqlite/src/VFS.js'
import type { OPFSCoopSyncVFS } from '@journeyapps/wa-sqlite/src/examples/OPFSCoopSyncVFS.js'

/** Size of a WAL frame header; bytes 4–7 are non-zero only in a transaction's commit frame. */
const FRAME_HEADER_BYTES = 24
/** Pending bytes that are written out even before a commit (a bulk commit's frames). */
const MAX_PENDING_BYTES = 4 << 20

interface Pending {
  /** File offset of the first pending byte. */
  offset: number
  /** Pending bytes: the start of a buffer reused across transactions (no garbage per commit). */
  buffer: Uint8Array
  bytes: number
  /** The last write was a commit frame's header: its page completes the transaction. */
  commitPageNext: boolean
}

type Vfs = OPFSCoopSyncVFS & {
  mapIdToFile: Map<number, { path: string }>
  jWrite(fileId: number, data: Uint8Array, offset: number): number
  jRead(fileId: number, data: Uint8Array, offset: number): number
  jSync(fileId: number, flags: number): number
  jTruncate(fileId: number, size: number): number
  jFileSize(fileId: number, size: DataView): number
  jClose(fileId: number): number
}

/** Makes `vfs` combine the writes of each WAL transaction into one OPFS write. */
export function combineWalWrites(opfsVfs: OPFSCoopSyncVFS): void {
  const vfs = opfsVfs as Vfs
  /** Per open WAL file; an entry with `bytes` 0 has nothing pending. */
  const pending = new Map<number, Pending>()
  const write = vfs.jWrite.bind(vfs)

  /** Writes out `fileId`'s pending bytes; SQLITE_OK, or the write's error code. */
  const flush = (fileId: number): number => {
    const p = pending.get(fileId)
    if (!p || p.bytes === 0) return VFS.SQLITE_OK
    const bytes = p.bytes
    p.bytes = 0
    p.commitPageNext = false
    return write(fileId, p.buffer.subarray(0, bytes), p.offset)
  }

  vfs.jWrite = (fileId, data, offset) => {
    if (!vfs.mapIdToFile.get(fileId)?.path.endsWith('-wal')) return write(fileId, data, offset)
    let p = pending.get(fileId)
    if (!p) {
      p = { offset, buffer: new Uint8Array(64 << 10), bytes: 0, commitPageNext: false }
      pending.set(fileId, p)
    }
    if (p.bytes > 0 && p.offset + p.bytes !== offset) {
      // Not an append to what is pending (SQLite rewrites a frame, or restarts the WAL).
      const rc = flush(fileId)
      if (rc !== VFS.SQLITE_OK) return rc
    }
    if (p.bytes === 0) p.offset = offset
    const size = data.byteLength
    if (p.bytes + size > p.buffer.byteLength) {
      const grown = new Uint8Array(Math.max(2 * p.buffer.byteLength, p.bytes + size))
      grown.set(p.buffer.subarray(0, p.bytes))
      p.buffer = grown
    }
    // Copied: `data` views WebAssembly memory that SQLite reuses as soon as this returns.
    const chunk = data.subarray()
    p.buffer.set(chunk, p.bytes)
    p.bytes += size
    const completesCommit = p.commitPageNext
    p.commitPageNext = size === FRAME_HEADER_BYTES && isCommitFrameHeader(chunk)
    return completesCommit || p.bytes >= MAX_PENDING_BYTES ? flush(fileId) : VFS.SQLITE_OK
  }

  // Everything else SQLite does with a WAL sees the file as written so far.
  const flushing = <A extends unknown[]>(fn: (fileId: number, ...args: A) => number, failure: number) =>
    (fileId: number, ...args: A): number => {
      if (flush(fileId) !== VFS.SQLITE_OK) return failure
      return fn(fileId, ...args)
    }
  vfs.jRead = flushing(vfs.jRead.bind(vfs), VFS.SQLITE_IOERR_READ)
  vfs.jSync = flushing(vfs.jSync.bind(vfs), VFS.SQLITE_IOERR_FSYNC)
  vfs.jTruncate = flushing(vfs.jTruncate.bind(vfs), VFS.SQLITE_IOERR_TRUNCATE)
  vfs.jFileSize = flushing(vfs.jFileSize.bind(vfs), VFS.SQLITE_IOERR_FSTAT)
  const close = vfs.jClose.bind(vfs)
  vfs.jClose = (fileId) => {
    const rc = flush(fileId) // closes even when this fails, or the handle would leak
    pending.delete(fileId)
    const closed = close(fileId)
    return rc === VFS.SQLITE_OK ? closed : VFS.SQLITE_IOERR_CLOSE
  }
}

/** A frame header whose "database size after commit" field (bytes 4–7) is set. */
function isCommitFrameHeader(header: Uint8Array): boolean {
  return (header[4]! | header[5]! | header[6]! | header[7]!) !== 0
}
