/**
 * TodoLog: one replica's log plus its incrementally materialized LWW todo states.
 *
 * It sits above the dumb EventStore port and gives the log its meaning:
 *   - `author` turns a user action into an event whose parents are the current heads;
 *   - `ingest` stores events (already validated, parents present) and refreshes the
 *     states of only the todos they touch, in the same transaction.
 *
 * Incremental materialization: an event that sorts after everything already folded into
 * its todo folds forward in O(1); a late concurrent event that sorts earlier recomputes
 * that one todo from its own events. Nothing ever replays the whole log, and cold start
 * reads the materialized states.
 */
import type { ReplicaId, TodoId } from './ids.ts'
import type { EventValue, TodoEvent } from './event.ts'
import { sealEvent } from './event-codec.ts'
import type { EventStore } from './event-store.ts'
import { compareEvents } from './order.ts'
import { type TodoState, applyEvent, emptyTodo, foldTodo, foldsForward, visibleTodos } from './todo-fold.ts'

export class TodoLog {
  readonly store: EventStore
  #todos = new Map<TodoId, TodoState>()

  private constructor(store: EventStore) {
    this.store = store
  }

  /** Opens a log over a store, reading its materialized states (no replay). */
  static async open(store: EventStore): Promise<TodoLog> {
    const log = new TodoLog(store)
    for (const t of await store.loadTodos()) log.#todos.set(t.id, t)
    return log
  }

  /** Todos as a user sees them: created, not deleted, in creation order. */
  visible(): TodoState[] {
    return visibleTodos(this.#todos.values())
  }

  /** The materialized state of one todo, if any event touched it. */
  todo(id: TodoId): TodoState | undefined {
    return this.#todos.get(id)
  }

  /** Records a local action as a new event on top of the current heads, and stores it. */
  async author(author: ReplicaId, todo: TodoId, type: string, value: EventValue, time: number): Promise<TodoEvent> {
    const parents = await this.store.heads()
    const lamports = await this.store.lamportsOf(parents)
    let lamport = 1
    for (const l of lamports.values()) lamport = Math.max(lamport, l + 1)
    const event = sealEvent({ parents, lamport, author, todo, type, value, time: Math.max(0, Math.floor(time)) })
    await this.ingest([event])
    return event
  }

  /**
   * Stores events whose parents are stored or earlier in `events`, skipping known ones,
   * and refreshes the touched todos. Returns the events that were new.
   */
  async ingest(events: readonly TodoEvent[]): Promise<TodoEvent[]> {
    if (events.length === 0) return []
    const known = await this.store.lamportsOf(events.map((e) => e.id))
    const seen = new Set<string>()
    const fresh = events.filter((e) => !known.has(e.id) && !seen.has(e.id) && seen.add(e.id)).sort(compareEvents)
    if (fresh.length === 0) return []

    const byTodo = new Map<TodoId, TodoEvent[]>()
    for (const e of fresh) {
      const list = byTodo.get(e.todo)
      if (list) list.push(e)
      else byTodo.set(e.todo, [e])
    }
    const changed: TodoState[] = []
    for (const [todo, added] of byTodo) {
      const current = this.#todos.get(todo) ?? emptyTodo(todo)
      const next = foldsForward(current, added[0]!)
        ? added.reduce(applyEvent, current)
        : foldTodo(todo, [...(await this.store.eventsOfTodo(todo)), ...added])
      changed.push(next)
    }
    await this.store.commit(fresh, changed)
    for (const t of changed) this.#todos.set(t.id, t)
    return fresh
  }
}
