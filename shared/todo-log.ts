/**
 * TodoLog: one replica's log plus its incrementally materialized todo states, under
 * one interpretation at a time (interpretations/).
 *
 * It sits above the dumb EventStore port and gives the log its meaning:
 *   - `author` turns a user action into an event whose parents are the current heads;
 *   - `ingest` stores events (already validated, parents present) and refreshes the
 *     states of only the todos they touch, in the same transaction.
 *
 * Incremental materialization: an event that sorts after everything already folded into
 * its todo folds forward in O(1); a late concurrent event that sorts earlier recomputes
 * that one todo from its own events. Nothing replays the whole log except switching
 * interpretation, and cold start reads the materialized states.
 *
 * The view's interpretation is kept in meta under INTERPRETATION_KEY. A rebuild first
 * marks it 'rebuilding', so a crash midway is detected and the rebuild redone.
 */
import type { EventId, ReplicaId, TodoId } from './ids.ts'
import type { EventValue, TodoEvent } from './event.ts'
import { sealEvent } from './event-codec.ts'
import type { EventStore } from './event-store.ts'
import { compareEvents } from './order.ts'
import { type TodoState, emptyTodo, foldTodo, foldsForward, visibleTodos } from './todo-fold.ts'
import { INTERPRETATIONS, type Interpretation, type InterpretationName, isInterpretationName } from './interpretations/index.ts'
import { combineDigests, todoDigest } from './state-hash.ts'

export const INTERPRETATION_KEY = 'interpretation'

/** A user action to record as an event. */
export interface LocalAction {
  todo: TodoId
  type: string
  value: EventValue
  time: number
}

export class TodoLog {
  readonly store: EventStore
  #interpretation: Interpretation
  #todos = new Map<TodoId, TodoState>()
  /** todoDigest of states, dropped when a state changes and recomputed on demand. */
  #digests = new Map<TodoId, Uint8Array>()

  private constructor(store: EventStore, interpretation: Interpretation) {
    this.store = store
    this.#interpretation = interpretation
  }

  /**
   * Opens a log over a store under `name` (default: the one its view was last built
   * under, else lww). Reads the materialized states when they were built under that
   * interpretation (no replay); otherwise rebuilds them from the log.
   */
  static async open(store: EventStore, name?: InterpretationName): Promise<TodoLog> {
    const built = await store.getMeta(INTERPRETATION_KEY)
    const wanted = name ?? (isInterpretationName(built) ? built : 'lww')
    const log = new TodoLog(store, INTERPRETATIONS[wanted])
    if (built === wanted || (built === null && (await store.count()) === 0)) {
      if (built === null) await store.setMeta(INTERPRETATION_KEY, wanted)
      for (const t of await store.loadTodos()) log.#set(t)
    } else {
      await log.#rebuild()
    }
    return log
  }

  /** The interpretation the view is built under. */
  get interpretation(): InterpretationName {
    return this.#interpretation.name
  }

  /** Switches interpretation: rebuilds every todo state from the log (the log is untouched). */
  async interpret(name: InterpretationName): Promise<void> {
    if (name === this.#interpretation.name) return
    this.#interpretation = INTERPRETATIONS[name]
    await this.#rebuild()
  }

  /** Every todo state, deleted and uncreated ones included. */
  states(): TodoState[] {
    return [...this.#todos.values()]
  }

  /** SHA-256 over every todo state and the interpretation: equal on converged peers. */
  stateHash(): string {
    for (const [id, t] of this.#todos) if (!this.#digests.has(id)) this.#digests.set(id, todoDigest(t))
    return combineDigests(this.#interpretation.name, this.#digests)
  }

  #set(t: TodoState): void {
    this.#todos.set(t.id, t)
    this.#digests.delete(t.id)
  }

  async #rebuild(): Promise<void> {
    const byTodo = new Map<TodoId, TodoEvent[]>()
    for (const e of await this.store.eventsAfter(new Map())) {
      const list = byTodo.get(e.todo)
      if (list) list.push(e)
      else byTodo.set(e.todo, [e])
    }
    const states = [...byTodo].map(([id, events]) => foldTodo(id, events, this.#interpretation.apply))
    await this.store.setMeta(INTERPRETATION_KEY, 'rebuilding')
    await this.store.replaceTodos(states)
    await this.store.setMeta(INTERPRETATION_KEY, this.#interpretation.name)
    this.#todos = new Map()
    this.#digests = new Map()
    for (const t of states) this.#set(t)
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
    const [event] = await this.authorMany(author, [{ todo, type, value, time }])
    return event!
  }

  /**
   * Records several local actions as a chain of events (each on top of the previous, the
   * first on the current heads), stored in one transaction.
   */
  async authorMany(author: ReplicaId, actions: readonly LocalAction[]): Promise<TodoEvent[]> {
    let parents = await this.store.heads()
    let lamport = 1
    for (const l of (await this.store.lamportsOf(parents)).values()) lamport = Math.max(lamport, l + 1)
    const events: TodoEvent[] = []
    for (const a of actions) {
      const event = sealEvent({ parents, lamport, author, todo: a.todo, type: a.type, value: a.value, time: Math.max(0, Math.floor(a.time)) })
      events.push(event)
      parents = [event.id]
      lamport++
    }
    await this.ingest(events)
    return events
  }

  /**
   * Stores events whose parents are stored or earlier in `events`, skipping known ones,
   * and refreshes the touched todos. Returns the events that were new.
   * `stored`, when given, must hold the lamport of every already-stored event that
   * `events` are or name (the sync engine read them for the same batch); it replaces the
   * store lookup.
   */
  async ingest(events: readonly TodoEvent[], stored?: ReadonlyMap<EventId, number>): Promise<TodoEvent[]> {
    if (events.length === 0) return []
    const lamports = stored ? new Map(stored) : await this.store.lamportsOf(idsNamedBy(events))
    const seen = new Set<string>()
    const fresh = events.filter((e) => !lamports.has(e.id) && !seen.has(e.id) && seen.add(e.id)).sort(compareEvents)
    if (fresh.length === 0) return []
    // The causal order, and every lamport cut-off in dag.ts, rest on this rule: callers
    // (the sync engine, authorMany) guarantee it, so a violation is a programmer error.
    for (const e of fresh) {
      let max = 0
      for (const p of e.parents) {
        const l = lamports.get(p)
        if (l === undefined) throw new Error(`event ${e.id} names parent ${p}, which is neither stored nor earlier in the batch`)
        max = Math.max(max, l)
      }
      if (e.lamport !== max + 1) throw new Error(`event ${e.id} has lamport ${e.lamport}; its parents require ${max + 1}`)
      lamports.set(e.id, e.lamport)
    }

    const byTodo = new Map<TodoId, TodoEvent[]>()
    for (const e of fresh) {
      const list = byTodo.get(e.todo)
      if (list) list.push(e)
      else byTodo.set(e.todo, [e])
    }
    const changed: TodoState[] = []
    for (const [todo, added] of byTodo) {
      const current = this.#todos.get(todo) ?? emptyTodo(todo)
      const apply = this.#interpretation.apply
      const next = foldsForward(current, added[0]!)
        ? added.reduce(apply, current)
        : foldTodo(todo, [...(await this.store.eventsOfTodo(todo)), ...added], apply)
      changed.push(next)
    }
    await this.store.commit(fresh, changed)
    for (const t of changed) this.#set(t)
    return fresh
  }
}

/** Every id that `events` are or name as parents: what ingest must look up. */
function idsNamedBy(events: readonly TodoEvent[]): EventId[] {
  const ids = new Set<EventId>()
  for (const e of events) {
    ids.add(e.id)
    for (const p of e.parents) ids.add(p)
  }
  return [...ids]
}
