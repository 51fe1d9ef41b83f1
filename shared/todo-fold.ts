/**
 * Per-todo state and the last-writer-wins fold every interpretation starts from.
 *
 * Fed one todo's events in (lamport, id) order, the fold yields that todo's state. The
 * last event in that order wins per field (content, list, completed). `delete` is a
 * tombstone: a todo deleted by anyone stays deleted, even if a concurrent edit sorts
 * after the delete — users expect "I deleted it" to stick.
 * Unknown event types are ignored (they are still stored and relayed).
 * Time comes from events, never from the clock, so every peer computes the same state.
 * Other readings of the same events live in interpretations/ and reuse `applyEvent`.
 */
import type { EventId, ReplicaId, TodoId } from './ids.ts'
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
  /** `churn` only: every un-complete that followed a complete, in fold order. */
  churn: ChurnEntry[]
  /** `lww-register` only: per column, the clock of the write that won it. */
  clocks: ColumnClocks | null
}

/** An un-complete that undid a completion: who, when, and which events. */
export interface ChurnEntry {
  event: EventId
  author: ReplicaId
  time: number
  lamport: number
  /** The `complete: true` event it undid. */
  undid: EventId
}

/** The seed's LWW-register clock of one column: the winning write's lamport and id. */
export interface ColumnClock {
  lamport: number
  event: EventId
  author: ReplicaId
}

export interface ColumnClocks {
  content: ColumnClock | null
  list: ColumnClock | null
  completed: ColumnClock | null
}

/** Something that folds one event into a todo state; see interpretations/. */
export type FoldStep = (state: TodoState, event: TodoEvent) => TodoState

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
    churn: [],
    clocks: null,
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

/** Folds all of one todo's events (any order in, sorted here; duplicates ignored). */
export function foldTodo(id: TodoId, events: readonly TodoEvent[], step: FoldStep = applyEvent): TodoState {
  const unique = new Map(events.map((e) => [e.id, e]))
  return [...unique.values()].sort(compareEvents).reduce(step, emptyTodo(id))
}

/** The todos a user sees: created, not deleted, in creation order. */
export function visibleTodos(states: Iterable<TodoState>): TodoState[] {
  return [...states]
    .filter((t) => t.created && !t.deleted)
    .sort((a, b) => compareEvents({ lamport: a.createdLamport, id: a.createdId! }, { lamport: b.createdLamport, id: b.createdId! }))
}
