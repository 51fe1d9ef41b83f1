/**
 * Which stored replica this tab uses.
 *
 * Each tab is its own replica with its own database file, `peerlog-<room>-<replica>.db`.
 * A Web Lock named after the replica marks it as held by a live tab (locks vanish with
 * the tab, even on a crash), so:
 *   1. a reloaded tab asks for the replica id it kept in sessionStorage and waits
 *      (up to PREFERRED_WAIT_MS) for the previous document's lock to be released;
 *   2. otherwise the tab adopts any stored replica of the room that no open tab holds;
 *   3. otherwise it starts a new replica.
 * Reopening a room after the browser closed therefore finds its todos offline, and
 * storage holds at most as many replicas as tabs were ever open at the same time.
 * Leaving a room (the rooms menu) deletes a replica only while holding its lock
 * (withFreeReplica), so a database an open tab uses is never deleted under it.
 */
import { type ReplicaId, type RoomId, isReplicaId, isRoomId, newReplicaId } from '../../shared/ids.ts'

export const databaseFileName = (room: RoomId, replica: ReplicaId): string => `peerlog-${room}-${replica}.db`

/**
 * The scratch database a replica's warm-up uses (sqlite-warm-up.ts), next to its own. Only
 * the tab holding the replica writes it, and removes it afterwards; one left by a tab that
 * went mid-warm-up (closed, crashed, moved to another room) is removed when the replica
 * next opens (log-worker.ts) or with the replica (local-replicas.ts).
 */
export const warmUpFileName = (replica: ReplicaId): string => `warm-up-${replica}.db`

/** The room and replica a database file name stands for; null for any other name. */
export function parseDatabaseFileName(name: string): { room: RoomId; replica: ReplicaId } | null {
  const m = /^peerlog-([0-9a-f]+)-([0-9a-f]+)\.db$/.exec(name)
  if (!m || !isRoomId(m[1]) || !isReplicaId(m[2])) return null
  return { room: m[1], replica: m[2] }
}

/** Replica ids of `room` among stored database file names. */
export function replicasInFiles(room: RoomId, files: readonly string[]): ReplicaId[] {
  const prefix = `peerlog-${room}-`
  return files
    .filter((f) => f.startsWith(prefix) && f.endsWith('.db'))
    .map((f) => f.slice(prefix.length, -3))
    .filter(isReplicaId)
}

/**
 * Takes the Web Lock `name` and holds it for the life of this worker.
 * Resolves true once held; false if not available within `waitMs` (0: only if free now).
 */
export function holdLock(name: string, waitMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const forever = new Promise<void>(() => {})
    const signal = waitMs > 0 ? AbortSignal.timeout(waitMs) : undefined
    const options: LockOptions = waitMs > 0 ? { mode: 'exclusive', signal } : { mode: 'exclusive', ifAvailable: true }
    navigator.locks
      .request(name, options, (lock) => {
        resolve(lock !== null)
        return lock ? forever : undefined
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && (err.name === 'AbortError' || err.name === 'TimeoutError')) resolve(false)
        else reject(err as Error)
      })
  })
}

/** How long a reloaded tab waits for its own replica before taking another. */
export const PREFERRED_WAIT_MS = 20_000

const lockName = (room: RoomId, replica: ReplicaId) => `peerlog-replica-${room}-${replica}`

/**
 * Runs `fn` while holding the replica's lock, so no tab opens the replica meanwhile.
 * Waits up to `waitMs` for a tab holding it to let go (0: only if free now); resolves
 * false, without running `fn`, if it is still held. The lock is released after `fn`.
 */
export async function withFreeReplica(room: RoomId, replica: ReplicaId, waitMs: number, fn: () => Promise<void>): Promise<boolean> {
  const options: LockOptions =
    waitMs > 0 ? { mode: 'exclusive', signal: AbortSignal.timeout(waitMs) } : { mode: 'exclusive', ifAvailable: true }
  try {
    return await navigator.locks.request(lockName(room, replica), options, async (lock) => {
      if (!lock) return false
      await fn()
      return true
    })
  } catch (err) {
    if (err instanceof DOMException && (err.name === 'AbortError' || err.name === 'TimeoutError')) return false
    throw err
  }
}

/** Claims a replica of `room` for this tab; see the module comment for the rules. */
export async function claimReplica(
  room: RoomId,
  preferred: ReplicaId | null,
  storedFiles: readonly string[],
): Promise<{ replica: ReplicaId; adopted: boolean }> {
  const stored = replicasInFiles(room, storedFiles)
  // The previous page of this tab releases the lock when it goes (room-session.ts), but a
  // loaded machine can take seconds to tear a worker down: wait rather than fork a replica.
  if (preferred && (await holdLock(lockName(room, preferred), PREFERRED_WAIT_MS))) {
    return { replica: preferred, adopted: stored.includes(preferred) }
  }
  for (const candidate of stored) {
    if (candidate !== preferred && (await holdLock(lockName(room, candidate), 0))) return { replica: candidate, adopted: true }
  }
  for (;;) {
    const fresh = newReplicaId()
    if (await holdLock(lockName(room, fresh), 0)) return { replica: fresh, adopted: false }
  }
}
