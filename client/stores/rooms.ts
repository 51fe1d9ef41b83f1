/**
 * The rooms store: the rooms this browser holds replicas of, for the rooms menu, and
 * leaving one.
 *
 *   OPFS: peerlog-<room>-<replica>.db files ─┐
 *                                            ├─▶ entries: one per stored room, with its
 *   localStorage: RoomRegistry (link, name) ─┘    name and, when known, its link
 *
 * A room is listed when this browser stores a replica of it (or it is the room open in
 * this tab, whose database may not be listed yet). A stored room missing from the
 * registry (joined before the registry existed) is listed without a link: it can be left
 * but not reopened from the menu.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ReplicaId, RoomId } from '../../shared/ids.ts'
import type { RoomAddress } from '../../shared/room-link.ts'
import { RoomRegistry } from '../rooms/room-registry.ts'
import { type LeaveOutcome, deleteRoomReplicas, listStoredRooms } from '../rooms/local-replicas.ts'
import { replicaSessionKey } from '../net/room-session.ts'

export interface RoomEntry {
  room: RoomId
  /** The link's secret; null when this browser did not keep the link. */
  secret: string | null
  /** The room's name as last seen in its log ('' if unnamed). */
  name: string
  /** Replica databases of it stored in this browser. */
  replicas: number
  lastOpened: number
}

export const useRoomsStore = defineStore('rooms', () => {
  const registry = new RoomRegistry(localStorage)
  const entries = ref<RoomEntry[]>([])
  const loading = ref(false)
  /** Why the last listing failed (e.g. OPFS unavailable), else null. */
  const listError = ref<string | null>(null)

  /** Lists the rooms again; `current` (the room open in this tab) is always listed. */
  async function refresh(current: RoomId | null): Promise<void> {
    loading.value = true
    try {
      const stored = await listStoredRooms()
      const registered = new Map(registry.list().map((r) => [r.room, r]))
      const rooms = new Map(stored.map((s) => [s.room, s.replicas.length]))
      if (current && !rooms.has(current)) rooms.set(current, 0)
      entries.value = [...rooms].map(([room, replicas]) => {
        const r = registered.get(room)
        return { room, secret: r?.secret ?? null, name: r?.name ?? '', replicas, lastOpened: r?.lastOpened ?? 0 }
      })
      // Most recently opened first; rooms without a saved link last.
      entries.value.sort((a, b) => b.lastOpened - a.lastOpened || (a.room < b.room ? -1 : 1))
      listError.value = null
    } catch (err) {
      console.warn('[rooms] could not list stored rooms', err)
      listError.value = (err as Error).message ?? String(err)
    } finally {
      loading.value = false
    }
  }

  /** Records that this tab opened a room (so the menu can return to it). */
  function remember(address: RoomAddress): void {
    registry.remember(address, Date.now())
  }

  /** Notes a room's name as its log now says. */
  function noteName(room: RoomId, name: string): void {
    registry.setName(room, name)
    const entry = entries.value.find((e) => e.room === room)
    if (entry) entry.name = name
  }

  /**
   * Leaves a room: deletes its replicas no tab holds (waiting briefly for `ownReplica`,
   * which this tab just closed) and, once none is left, forgets its link.
   */
  async function leave(room: RoomId, ownReplica: ReplicaId | null): Promise<LeaveOutcome> {
    const outcome = await deleteRoomReplicas(room, ownReplica)
    if (outcome.held.length === 0) {
      registry.forget(room)
      sessionStorage.removeItem(replicaSessionKey(room))
      entries.value = entries.value.filter((e) => e.room !== room)
    } else {
      const entry = entries.value.find((e) => e.room === room)
      if (entry) entry.replicas = outcome.held.length
    }
    return outcome
  }

  return { entries, loading, listError, refresh, remember, noteName, leave }
})
