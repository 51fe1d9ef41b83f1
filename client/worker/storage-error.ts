/**
 * Is a storage failure a full disk? The UI says "storage is full" only when it is, since
 * the remedy (free space, leave rooms) differs from that of a broken database.
 *
 * A full disk reaches us in three shapes:
 *   1. SQLite's SQLITE_FULL (13, "database or disk is full"): its own limits, e.g.
 *      max_page_count, or a VFS that reports the quota as such;
 *   2. a DOMException QuotaExceededError thrown straight from OPFS (creating a file);
 *   3. SQLITE_IOERR (10, any extended code) from wa-sqlite's OPFS VFS, which turns every
 *      exception into an I/O error and keeps the exception as `lastError`: full when
 *      that was a QuotaExceededError.
 */
const SQLITE_FULL = 13
const SQLITE_IOERR = 10

const codeOf = (err: unknown): number | null => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'number' ? code & 0xff : null // primary code of an extended one
}

const isQuotaError = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'QuotaExceededError'

/** True when `err` (and, for an I/O error, the VFS's last exception) says storage is full. */
export function isStorageFull(err: unknown, vfsLastError: unknown = null): boolean {
  if (isQuotaError(err)) return true
  const code = codeOf(err)
  if (code === SQLITE_FULL) return true
  if (code === SQLITE_IOERR && isQuotaError(vfsLastError)) return true
  const message = (err as { message?: unknown } | null)?.message
  return typeof message === 'string' && /database or disk is full|quota/i.test(message)
}

/** A local change that was not stored because storage is full (nothing of it was kept). */
export class StorageFullError extends Error {
  constructor(detail: string) {
    super(detail)
    this.name = 'StorageFullError'
  }
}
