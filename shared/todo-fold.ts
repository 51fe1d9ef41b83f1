/**
 * Last-writer-wins interpretation of a todo's events: a pure fold.
 *
 * Fed one todo's events in (lamport, id) order, it yields that todo's state. The last
 * event in that order wins per field (content, list, completed). `delete` is a
 * tombstone: a todo deleted by anyone stays deleted, even if a concurrent edit sorts
 * after the delete — users expect "I deleted it" to stick.
 * Unknown event types are ignored (they are still stored and relayed).
 * Time comes from events, never from the clock, so every peer computes the same state.
 */
import type { EventId, TodoId } from './ids.ts'
import type { TodoEvent } from './event.ts'
import { compareEvents } from './order.ts'

export interface TodoState {
  id: TodoId
  content: string
  list: string | null
  completed: boolean
  deleted: boolean
  /** Whether a `create` event was seen; edits to an uncreated todo are kept but not shown. */
  created: boolean
  /** Sort key of the create event: items keep creation order. */
  createdLamport: number
  createdId: EventId | null
  /** Lamport and id of the last event folded in: lets a later event fold forward. */
  lastLamport: number
  lastId: EventId | null
}

export function emptyTodo(id: TodoId): TodoState {
  return {
    id,
    content: '',
    list: null,
    completed: false,
    deleted: false,
    created: false,
    createdLamport: 0,
    createdId: null,
    lastLamport: 0,
    lastId: null,
  }
}

/** Applies one event that sorts after every event already in `state`. */
export function applyEvent(state: TodoState, event: TodoEvent): TodoState {
  const next: TodoState = { ...state, lastLamport: event.lamport, lastId: event.id }
  switch (event.type) {
    case 'create':
      if (!next.created) {
        next.created = true
        next.createdLamport = event.lamport
        next.createdId = event.id
      }
      break
    case 'set_content':
      next.content = event.value as string
      break
    case 'add_to_list':
      next.list = event.value as string
      break
    case 'complete':
      next.completed = event.value as boolean
      break
    case 'delete':
      next.deleted = true
      break
    default:
      break // unknown types: forward compatible, ignored by this interpretation
  }
  return next
}

/** True when `event` sorts after everything folded into `state`, so it can fold forward. */
export function foldsForward(state: TodoState, event: TodoEvent): boolean {
  return state.lastId === null || compareEvents({ lamport: state.lastLamport, id: state.lastId }, event) < 0
}

/** Folds all of one todo's events (any order in, sorted here). */
export function foldTodo(id: TodoId, events: readonly TodoEvent[]): TodoState {
  return [...events].sort(compareEvents).reduce(applyEvent, emptyTodo(id))
}

/** The todos a user sees: created, not deleted, in creation order. */
export function visibleTodos(states: Iterable<TodoState>): TodoState[] {
  return [...states]
    .filter((t) => t.created && !t.deleted)
    .sort((a, b) => compareEvents({ lamport: a.createdLamport, id: a.createdId! }, { lamport: b.createdLamport, id: b.createdId! }))
}
