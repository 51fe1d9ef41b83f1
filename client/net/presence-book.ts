/**
 * PresenceBook: which room members this tab has heard of lately, and which of them it
 * reaches only through other members ("relayed" in the peer list). Pure bookkeeping;
 * RoomSession floods and receives the presence frames (see its header).
 *
 * Rules:
 *  1. A member is listed for TTL ms after it was last heard; a beacon every INTERVAL ms
 *     keeps it listed with two beacons to spare.
 *  2. Hearing of a member never moves its "last heard" time backwards: news re-sent by a
 *     neighbour carries its age, so re-sends cannot keep a member that left silently
 *     alive beyond TTL after its own last beacon.
 *  3. A member that says it leaves, or whose direct link closes, is forgotten at once (if
 *     others still reach it, its next beacon lists it again).
 *  4. A replica id, once heard, sticks to the member (a re-send may not carry it).
 */
import type { ReplicaId } from '../../shared/ids.ts'

export const PRESENCE_INTERVAL_MS = 10_000
export const PRESENCE_TTL_MS = 25_000

/** A room member reached only through other members. */
export interface RelayedPeer {
  id: string
  /** Its replica id, if its presence frames carried one. */
  replica: ReplicaId | null
}

/** What to re-send about a member to a new neighbour. */
export interface HeardMember {
  id: string
  replica: ReplicaId | null
  /** ms since it was last heard, capped at the TTL. */
  age: number
}

export class PresenceBook {
  readonly #self: string
  readonly #heard = new Map<string, { at: number; replica: ReplicaId | null }>()
  #lastListed = ''

  constructor(self: string) {
    this.#self = self
  }

  /** A presence beacon from `peer`, heard `age` ms after it was sent. True if new news. */
  heard(peer: string, replica: ReplicaId | null, now: number, age = 0): boolean {
    if (peer === this.#self) return false
    const at = now - age
    const before = this.#heard.get(peer)
    if (before && before.at >= at) return false
    const entry = { at, replica: replica ?? before?.replica ?? null }
    this.#heard.set(peer, entry)
    return !before || before.replica !== entry.replica
  }

  /** `peer` left, or its direct link closed. True if it was listed. */
  forget(peer: string): boolean {
    return this.#heard.delete(peer)
  }

  /** Members heard within the TTL, for re-sending to a new neighbour. */
  members(now: number): HeardMember[] {
    this.#expire(now)
    return [...this.#heard].map(([id, { at, replica }]) => ({ id, replica, age: Math.min(PRESENCE_TTL_MS, now - at) }))
  }

  /** Members heard within the TTL that no direct link reaches, sorted by id. */
  relayed(direct: ReadonlySet<string>, now: number): RelayedPeer[] {
    this.#expire(now)
    return [...this.#heard]
      .filter(([id]) => !direct.has(id))
      .map(([id, { replica }]) => ({ id, replica }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  /** Like `relayed`, but null when the list is the same as the last one this returned. */
  relayedIfChanged(direct: ReadonlySet<string>, now: number): RelayedPeer[] | null {
    const list = this.relayed(direct, now)
    const key = list.map((p) => `${p.id}:${p.replica}`).join()
    if (key === this.#lastListed) return null
    this.#lastListed = key
    return list
  }

  #expire(now: number): void {
    for (const [id, { at }] of this.#heard) if (now - at > PRESENCE_TTL_MS) this.#heard.delete(id)
  }
}
