/**
 * Room metadata carried by the log: the room's name and each replica's display name.
 *
 * Both are ordinary events — stored, synced, drawn in the DAG — about a reserved subject,
 * ROOM_SUBJECT, where todo events name a todo:
 *
 *   type           value                                  who wins
 *   set_room_name  the room's name ('' clears it)         the last in (lamport, id) order
 *   set_peer_name  its author's display name ('' clears)   per author, the last in that order
 *
 * So every peer holding the same events shows the same names, whatever order they came
 * in, and a concurrent rename resolves as a concurrent todo edit does. A replica names
 * only itself: a `set_peer_name` is about its `author`, so one peer cannot rename another.
 * Room events of other types (from newer peers) and these types on a todo are ignored.
 *
 * Why not a todo-like row in the materialized todos: the UI needs these as the room's
 * state, not as a todo, and they are few — RoomMetaView keeps them in memory, read once
 * at open (an indexed query) and folded forward as events are stored.
 */
import type { ReplicaId, TodoId } from './ids.ts'
import type { TodoEvent } from './event.ts'
import type { EventStore } from './event-store.ts'
import { compareEvents } from './order.ts'

/** The subject of room events. Todo ids are 16 random bytes: none is ever all zeros. */
export const ROOM_SUBJECT = '0'.repeat(32) as TodoId

export const isRoomEvent = (e: Pick<TodoEvent, 'todo'>): boolean => e.todo === ROOM_SUBJECT

export interface RoomMeta {
  /** The room's name; '' when never named or cleared. */
  name: string
  /** Display names by replica; a replica that never named itself (or cleared it) is absent. */
  peerNames: ReadonlyMap<ReplicaId, string>
}

export const emptyRoomMeta = (): RoomMeta => ({ name: '', peerNames: new Map() })

/** Folds one room event that sorts after every event already folded into `meta`. */
export function applyRoomEvent(meta: RoomMeta, e: TodoEvent): RoomMeta {
  if (!isRoomEvent(e) || typeof e.value !== 'string') return meta
  if (e.type === 'set_room_name') return { ...meta, name: e.value }
  if (e.type === 'set_peer_name') {
    const peerNames = new Map(meta.peerNames)
    if (e.value === '') peerNames.delete(e.author)
    else peerNames.set(e.author, e.value)
    return { ...meta, peerNames }
  }
  return meta
}

/** The room meta of a set of events (any order in; duplicates and todo events ignored). */
export function foldRoomMeta(events: readonly TodoEvent[]): RoomMeta {
  const unique = new Map(events.filter(isRoomEvent).map((e) => [e.id, e]))
  return [...unique.values()].sort(compareEvents).reduce(applyRoomEvent, emptyRoomMeta())
}

/** One log's room meta, kept current as events are stored (local or from peers). */
export class RoomMetaView {
  /** The room events seen so far, in (lamport, id) order. */
  #events: TodoEvent[]
  #meta: RoomMeta

  private constructor(events: TodoEvent[]) {
    this.#events = events
    this.#meta = foldRoomMeta(events)
  }

  /** Reads the room events of a log (one indexed query; they are few). */
  static async open(store: Pick<EventStore, 'eventsOfTodo'>): Promise<RoomMetaView> {
    return new RoomMetaView(await store.eventsOfTodo(ROOM_SUBJECT))
  }

  get meta(): RoomMeta {
    return this.#meta
  }

  /**
   * Takes in newly stored events (any kind; todo events are skipped). Returns true when
   * they changed the meta. Events that sort after everything seen fold forward; a late
   * concurrent one refolds the room events, which are few.
   */
  stored(events: readonly TodoEvent[]): boolean {
    const known = new Set(this.#events.map((e) => e.id))
    const added = events.filter((e) => isRoomEvent(e) && !known.has(e.id)).sort(compareEvents)
    if (added.length === 0) return false
    const last = this.#events[this.#events.length - 1]
    const before = this.#meta
    if (last === undefined || compareEvents(last, added[0]!) < 0) {
      this.#events.push(...added)
      this.#meta = added.reduce(applyRoomEvent, this.#meta)
    } else {
      this.#events = [...this.#events, ...added].sort(compareEvents)
      this.#meta = foldRoomMeta(this.#events)
    }
    return !sameMeta(before, this.#meta)
  }
}

function sameMeta(a: RoomMeta, b: RoomMeta): boolean {
  if (a.name !== b.name || a.peerNames.size !== b.peerNames.size) return false
  for (const [replica, name] of a.peerNames) if (b.peerNames.get(replica) !== name) return false
  return true
}
