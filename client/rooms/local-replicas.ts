/**
 * The rooms whose replicas this browser stores on OPFS, and leaving a room: deleting
 * those of its replica databases that no open tab holds.
 *
 * A replica is deleted only while this code holds its Web Lock (replica-claim.ts), so a
 * database an open tab uses is never deleted under it: such a replica is reported as
 * `held` and kept. Runs on the UI thread (OPFS listing and removal need no worker).
 */
import type { ReplicaId, RoomId } from '../../shared/ids.ts'
import { databaseFileName, parseDatabaseFileName, warmUpFileName, withFreeReplica } from '../worker/replica-claim.ts'
import { listOpfsDatabases, removeDatabaseFiles } from '../worker/opfs-directory.ts'

export interface StoredRoom {
  room: RoomId
  replicas: ReplicaId[]
}

export interface LeaveOutcome {
  deleted: ReplicaId[]
  /** Replicas an open tab holds: kept. */
  held: ReplicaId[]
}

/** Groups database file names by room (other names are ignored), rooms in file order. */
export function roomsInFiles(files: readonly string[]): StoredRoom[] {
  const byRoom = new Map<RoomId, ReplicaId[]>()
  for (const f of files) {
    const parsed = parseDatabaseFileName(f)
    if (!parsed) continue
    const list = byRoom.get(parsed.room)
    if (list) list.push(parsed.replica)
    else byRoom.set(parsed.room, [parsed.replica])
  }
  return [...byRoom].map(([room, replicas]) => ({ room, replicas }))
}

/** The rooms this browser stores replicas of. */
export async function listStoredRooms(): Promise<StoredRoom[]> {
  return roomsInFiles(await listOpfsDatabases())
}

/** How long to wait for the lock of the replica this tab just closed (its worker is ending). */
const OWN_REPLICA_WAIT_MS = 10_000
/**
 * How long to wait for any other replica's lock: a tab that switched rooms a moment ago
 * may still be tearing down that room's worker; a tab that has the room open holds on.
 */
const OTHER_REPLICA_WAIT_MS = 1_000

/**
 * Deletes every replica of `room` that no tab holds. `waitFor` is a replica this tab
 * just let go of: its lock is waited for longer.
 */
export async function deleteRoomReplicas(room: RoomId, waitFor: ReplicaId | null): Promise<LeaveOutcome> {
  const stored = roomsInFiles(await listOpfsDatabases()).find((r) => r.room === room)?.replicas ?? []
  const outcome: LeaveOutcome = { deleted: [], held: [] }
  for (const replica of stored) {
    const waitMs = replica === waitFor ? OWN_REPLICA_WAIT_MS : OTHER_REPLICA_WAIT_MS
    const free = await withFreeReplica(room, replica, waitMs, async () => {
      await removeSoon(databaseFileName(room, replica))
      await removeSoon(warmUpFileName(replica)) // left by a tab that went mid-warm-up
    })
    outcome[free ? 'deleted' : 'held'].push(replica)
  }
  return outcome
}

/**
 * Removes a database's files. A worker's lock can go a moment before its file handles
 * do (both go as it is torn down), and OPFS refuses to remove a file with an open
 * handle: retry that case briefly.
 */
async function removeSoon(fileName: string, tries = 10): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await removeDatabaseFiles(fileName)
    } catch (err) {
      const busy = err instanceof DOMException && err.name === 'NoModificationAllowedError'
      if (!busy || i >= tries) throw err
      await new Promise((resolve) => setTimeout(resolve, 100 * i))
    }
  }
}
