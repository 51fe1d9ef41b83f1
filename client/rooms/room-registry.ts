/**
 * The rooms this browser joined, with each room's link, so the rooms menu can return to
 * them. A room link's secret lives only in the URL fragment, which never reaches a
 * server; to reopen a room from a menu the browser must keep it, and it keeps it here, in
 * localStorage (on this device, never sent anywhere), beside the name last seen in the
 * room's log (a room's name is in its log, which only its own worker can read).
 *
 * The store is read through a small port (getItem/setItem) so tests pass a Map-backed
 * one. What is read back is validated entry by entry: malformed entries (another
 * version, a hand edit) are dropped with a warning, never trusted.
 */
import type { RoomId } from '../../shared/ids.ts'
import { type RoomAddress, isSecret } from '../../shared/room-link.ts'
import { isRoomId } from '../../shared/ids.ts'
import { MAX_NAME_LENGTH } from '../../shared/event.ts'

export const ROOMS_KEY = 'peerlog:rooms'

export interface RegisteredRoom {
  room: RoomId
  secret: string
  /** The room's name as last seen in its log ('' if unnamed). */
  name: string
  /** When this browser last opened it, ms since the epoch. */
  lastOpened: number
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>

function isRegisteredRoom(x: unknown): x is RegisteredRoom {
  const r = x as Partial<RegisteredRoom> | null
  return (
    typeof r === 'object' &&
    r !== null &&
    isRoomId(r.room) &&
    isSecret(r.secret) &&
    typeof r.name === 'string' &&
    r.name.length <= MAX_NAME_LENGTH &&
    Number.isFinite(r.lastOpened)
  )
}

export class RoomRegistry {
  readonly #storage: KeyValueStorage

  constructor(storage: KeyValueStorage) {
    this.#storage = storage
  }

  /** Every registered room, most recently opened first. */
  list(): RegisteredRoom[] {
    let parsed: unknown
    try {
      parsed = JSON.parse(this.#storage.getItem(ROOMS_KEY) ?? '[]')
    } catch (err) {
      console.warn('[room-registry] unreadable room list ignored', err)
      return []
    }
    if (!Array.isArray(parsed)) return []
    const rooms = parsed.filter(isRegisteredRoom)
    if (rooms.length < parsed.length) console.warn('[room-registry] malformed entries dropped', parsed.length - rooms.length)
    return rooms.sort((a, b) => b.lastOpened - a.lastOpened)
  }

  /** The entry of one room, if registered. */
  get(room: RoomId): RegisteredRoom | undefined {
    return this.list().find((r) => r.room === room)
  }

  /** Records that this browser opened a room (keeps its name; takes the secret given). */
  remember(address: RoomAddress, now: number): void {
    const rooms = this.list()
    const known = rooms.find((r) => r.room === address.room)
    const entry: RegisteredRoom = { room: address.room, secret: address.secret, name: known?.name ?? '', lastOpened: now }
    this.#save([entry, ...rooms.filter((r) => r.room !== address.room)])
  }

  /** Notes a room's name as its log now says (no-op for a room not registered). */
  setName(room: RoomId, name: string): void {
    const rooms = this.list()
    const entry = rooms.find((r) => r.room === room)
    if (!entry || entry.name === name) return
    entry.name = name.slice(0, MAX_NAME_LENGTH)
    this.#save(rooms)
  }

  /** Forgets a room (after leaving it). */
  forget(room: RoomId): void {
    const rooms = this.list()
    const rest = rooms.filter((r) => r.room !== room)
    if (rest.length !== rooms.length) this.#save(rest)
  }

  #save(rooms: RegisteredRoom[]): void {
    try {
      this.#storage.setItem(ROOMS_KEY, JSON.stringify(rooms))
    } catch (err) {
      // A full or disabled localStorage: the menu loses this room's link, the room itself is unaffected.
      console.warn('[room-registry] could not save the room list', err)
    }
  }
}
