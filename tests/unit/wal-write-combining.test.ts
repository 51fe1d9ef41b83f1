/**
 * combineWalWrites over a recording stand-in for the OPFS VFS: what reaches the "file",
 * and when. (The real VFS under SQLite is covered by the browser contract tests.)
 */
import { describe, expect, it } from 'vitest'
import * as VFS from '@journeyapps/wa-sqlite/src/VFS.js'
import type { OPFSCoopSyncVFS } from '@journeyapps/wa-sqlite/src/examples/OPFSCoopSyncVFS.js'
import { combineWalWrites } from '../../client/worker/wal-write-combining.ts'

const DB = 1
const WAL = 2

class RecordingVfs {
  mapIdToFile = new Map([
    [DB, { path: '/peerlog/a.db' }],
    [WAL, { path: '/peerlog/a.db-wal' }],
  ])
  /** Every call that reached the underlying VFS, in order. */
  calls: string[] = []
  /** Bytes as written, per file. */
  files = new Map<number, number[]>()
  failWrites = false

  jWrite(fileId: number, data: Uint8Array, offset: number): number {
    this.calls.push(`write ${fileId} @${offset} ${data.byteLength}`)
    if (this.failWrites) return VFS.SQLITE_IOERR_WRITE
    const file = this.files.get(fileId) ?? []
    data.forEach((b, i) => (file[offset + i] = b))
    this.files.set(fileId, file)
    return VFS.SQLITE_OK
  }
  jRead(fileId: number): number {
    this.calls.push(`read ${fileId}`)
    return VFS.SQLITE_OK
  }
  jSync(fileId: number): number {
    this.calls.push(`sync ${fileId}`)
    return VFS.SQLITE_OK
  }
  jTruncate(fileId: number): number {
    this.calls.push(`truncate ${fileId}`)
    return VFS.SQLITE_OK
  }
  jFileSize(fileId: number): number {
    this.calls.push(`size ${fileId}`)
    return VFS.SQLITE_OK
  }
  jClose(fileId: number): number {
    this.calls.push(`close ${fileId}`)
    return VFS.SQLITE_OK
  }
}

function combined(): RecordingVfs {
  const vfs = new RecordingVfs()
  combineWalWrites(vfs as unknown as OPFSCoopSyncVFS)
  return vfs
}

/** A 24-byte frame header; `commitSize` > 0 marks a transaction's commit frame. */
function header(page: number, commitSize = 0): Uint8Array {
  const h = new Uint8Array(24)
  new DataView(h.buffer).setUint32(0, page)
  new DataView(h.buffer).setUint32(4, commitSize)
  return h
}
const page = (fill: number) => new Uint8Array(512).fill(fill)
const FRAME = 24 + 512

describe('combineWalWrites', () => {
  it('writes a transaction’s frames with one call once its commit frame is complete', () => {
    const vfs = combined()
    const v = vfs as unknown as { jWrite(f: number, d: Uint8Array, o: number): number }
    v.jWrite(WAL, new Uint8Array(32), 0) // WAL header
    v.jWrite(WAL, header(5), 32)
    v.jWrite(WAL, page(1), 32 + 24)
    v.jWrite(WAL, header(7, 9), 32 + FRAME)
    expect(vfs.calls).toEqual([]) // the commit frame's page is still to come
    v.jWrite(WAL, page(2), 32 + FRAME + 24)
    expect(vfs.calls).toEqual([`write ${WAL} @0 ${32 + 2 * FRAME}`])
    const file = vfs.files.get(WAL)!
    expect(file[32 + 24]).toBe(1)
    expect(file[32 + FRAME + 24 + 511]).toBe(2)
  })

  it('leaves the main database file’s writes alone', () => {
    const vfs = combined()
    ;(vfs as unknown as { jWrite(f: number, d: Uint8Array, o: number): number }).jWrite(DB, page(3), 4096)
    expect(vfs.calls).toEqual([`write ${DB} @4096 512`])
  })

  it('writes what is pending before a write elsewhere in the WAL, keeping the order', () => {
    const vfs = combined()
    const v = vfs as unknown as { jWrite(f: number, d: Uint8Array, o: number): number }
    v.jWrite(WAL, header(5), 32)
    v.jWrite(WAL, page(1), 56)
    v.jWrite(WAL, page(9), 56) // SQLite rewriting a frame's page in place
    expect(vfs.calls).toEqual([`write ${WAL} @32 ${FRAME}`])
    v.jWrite(WAL, header(6, 3), 32 + FRAME)
    v.jWrite(WAL, page(2), 32 + FRAME + 24) // appends to the rewritten page: one write from @56
    expect(vfs.calls.slice(1)).toEqual([`write ${WAL} @56 ${512 + FRAME}`])
    expect(vfs.files.get(WAL)![56]).toBe(9)
  })

  it('writes what is pending before SQLite reads, syncs, sizes, truncates or closes the WAL', () => {
    for (const op of ['jRead', 'jSync', 'jFileSize', 'jTruncate', 'jClose'] as const) {
      const vfs = combined()
      const v = vfs as unknown as Record<string, (f: number, ...rest: unknown[]) => number>
      v.jWrite!(WAL, header(5), 32)
      v[op]!(WAL, undefined, 0)
      expect(vfs.calls[0]).toBe(`write ${WAL} @32 24`)
      expect(vfs.calls).toHaveLength(2)
    }
  })

  it('reports a failed write where it happens, and still closes the file', () => {
    const vfs = combined()
    const v = vfs as unknown as Record<string, (f: number, ...rest: unknown[]) => number>
    v.jWrite!(WAL, header(5, 1), 32)
    vfs.failWrites = true
    expect(v.jWrite!(WAL, page(1), 56)).toBe(VFS.SQLITE_IOERR_WRITE)
    v.jWrite!(WAL, header(6), 32 + FRAME)
    expect(v.jClose!(WAL)).toBe(VFS.SQLITE_IOERR_CLOSE)
    expect(vfs.calls.at(-1)).toBe(`close ${WAL}`)
  })
})
