/**
 * The event model: immutable facts about todos, linked into a DAG by their parents.
 *
 * An event names the events its author had seen last (its parents: the author's DAG
 * heads at the time), so the log is a DAG whose partial order is causality. Its Lamport
 * number is 1 + the largest of its parents', which makes (lamport, id) a total order
 * that extends causality (see order.ts).
 *
 * Invariants of every accepted event:
 *  1. `id` is the SHA-256 of the canonical encoding of every other field (event-codec.ts).
 *  2. `parents` are sorted, unique, at most MAX_PARENTS, and all stored before the event.
 *  3. `lamport` = 1 + max(parents' lamport), or 1 for a root.
 *  4. Known types carry the value their type requires (validateEventShape).
 * Unknown types (from newer peers) are kept and relayed but ignored by folds.
 */
import { type EventId, type ReplicaId, type TodoId, isEventId, isReplicaId, isTodoId } from './ids.ts'

/** Bumped when the canonical encoding changes; part of every encoding and thus every id. */
export const EVENT_FORMAT_VERSION = 1

export const KNOWN_EVENT_TYPES = ['create', 'set_content', 'add_to_list', 'complete', 'delete', 'set_room_name', 'set_peer_name'] as const
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number]

export const MAX_PARENTS = 64
export const MAX_CONTENT_LENGTH = 2000
export const MAX_LIST_LENGTH = 100
export const MAX_TYPE_LENGTH = 32
/** Room and peer names ('' clears one). */
export const MAX_NAME_LENGTH = 100
/** Values of unknown types are bounded too: a forward-compatible peer still stores them. */
export const MAX_UNKNOWN_VALUE_LENGTH = 4000

export type EventValue = string | boolean | null

/** The fields an author chooses; the rest (id, lamport, parents) follow from the log. */
export interface EventBody {
  parents: EventId[]
  lamport: number
  author: ReplicaId
  todo: TodoId
  type: string
  value: EventValue
  /** Author's wall clock in ms since the epoch. Informational only: never used to order. */
  time: number
}

export interface TodoEvent extends EventBody {
  id: EventId
}

export type ShapeCheck = { type: 'ok' } | { type: 'rejected'; reason: string }

const ok: ShapeCheck = { type: 'ok' }
const rejected = (reason: string): ShapeCheck => ({ type: 'rejected', reason })

export function isKnownEventType(type: string): type is KnownEventType {
  return (KNOWN_EVENT_TYPES as readonly string[]).includes(type)
}

/**
 * Checks everything about an event body that does not need the rest of the log
 * (parent lamports and presence are checked where the log is at hand).
 */
export function validateEventShape(body: EventBody): ShapeCheck {
  if (!Array.isArray(body.parents)) return rejected('parents is not a list')
  if (body.parents.length > MAX_PARENTS) return rejected(`more than ${MAX_PARENTS} parents`)
  for (let i = 0; i < body.parents.length; i++) {
    const p = body.parents[i]
    if (!isEventId(p)) return rejected(`parent ${i} is not an event id`)
    if (i > 0 && !(body.parents[i - 1]! < p)) return rejected('parents are not sorted and unique')
  }
  if (!Number.isSafeInteger(body.lamport) || body.lamport < 1) return rejected('lamport is not a positive integer')
  if (body.parents.length === 0 && body.lamport !== 1) return rejected('a root event must have lamport 1')
  if (body.parents.length > 0 && body.lamport < 2) return rejected('an event with parents must have lamport >= 2')
  if (!isReplicaId(body.author)) return rejected('author is not a replica id')
  if (!isTodoId(body.todo)) return rejected('todo is not a todo id')
  if (!Number.isSafeInteger(body.time) || body.time < 0) return rejected('time is not a non-negative integer')
  if (typeof body.type !== 'string' || body.type.length === 0 || body.type.length > MAX_TYPE_LENGTH) {
    return rejected('type is not a short string')
  }
  return validateValue(body.type, body.value)
}

function validateValue(type: string, value: unknown): ShapeCheck {
  switch (type) {
    case 'create':
    case 'delete':
      return value === null ? ok : rejected(`${type} takes no value`)
    case 'set_content':
      return typeof value === 'string' && value.length <= MAX_CONTENT_LENGTH
        ? ok
        : rejected(`set_content takes a string of at most ${MAX_CONTENT_LENGTH} characters`)
    case 'add_to_list':
      return typeof value === 'string' && value.length <= MAX_LIST_LENGTH
        ? ok
        : rejected(`add_to_list takes a string of at most ${MAX_LIST_LENGTH} characters`)
    case 'complete':
      return typeof value === 'boolean' ? ok : rejected('complete takes true or false')
    case 'set_room_name':
    case 'set_peer_name':
      return typeof value === 'string' && value.length <= MAX_NAME_LENGTH
        ? ok
        : rejected(`${type} takes a string of at most ${MAX_NAME_LENGTH} characters`)
    default:
      if (value === null || typeof value === 'boolean') return ok
      return typeof value === 'string' && value.length <= MAX_UNKNOWN_VALUE_LENGTH
        ? ok
        : rejected('value of an unknown type is too long or of the wrong kind')
  }
}

/** Lamport number for a new event whose parents carry these lamports. */
export function nextLamport(parentLamports: readonly number[]): number {
  let max = 0
  for (const l of parentLamports) if (l > max) max = l
  return max + 1
}
