/**
 * The snapshot the log worker posts to the UI: what a TodoLog looks like right now.
 * Kept apart from log-worker.ts (which has side effects on import) so the cold-start
 * benchmark times exactly what the worker does before the first render.
 *
 * The first snapshot of a freshly opened log is posted without the state hash: that
 * hash needs a SHA-256 of every todo state (8k todos in a 100k-event log: 75–700 ms in
 * a busy Chromium, more than the rest of the cold path together) and the list renders
 * without it. The worker schedules a full snapshot right after, which carries it; from
 * then on the log keeps per-todo digests and only changed todos are hashed again. During
 * a catch-up most snapshots go without it too (state-hash-pace.ts).
 */
import type { TodoLog } from '../../shared/todo-log.ts'
import type { RoomMeta } from '../../shared/room-meta.ts'
import type { TodoId } from '../../shared/ids.ts'
import type { LogSnapshot, TodoView } from './protocol.ts'
import { type HeldTodos, diffTodos, holdPatch } from './todo-patch.ts'
import { TODO_PAGE } from '../components/todo/todo-window.ts'

/** A snapshot's `counts` and `lists`: every todo counted, the lists in use sorted. */
export function countTodos(todos: ReadonlyArray<{ completed: boolean; list: string | null }>): Pick<LogSnapshot, 'counts' | 'lists'> {
  let active = 0
  const lists = new Set<string>()
  for (const t of todos) {
    if (!t.completed) active++
    if (t.list) lists.add(t.list)
  }
  return { counts: { total: todos.length, active }, lists: [...lists].sort() }
}

/**
 * A snapshot of `log` and the room's names (`meta`, undefined before they are read);
 * `withStateHash` false leaves stateHash null (see above).
 */
export async function logSnapshot(
  log: TodoLog,
  meta: RoomMeta | undefined,
  withStateHash: boolean,
  /** Only these todos changed since the last snapshot posted: send a patch. Null: send all. */
  dirty: ReadonlySet<TodoId> | null = null,
  /** The patch is for a UI that holds only these todos (todo-patch.ts diffTodos). */
  hold?: HeldTodos,
): Promise<LogSnapshot> {
  const visible = log.visible()
  const view = (t: (typeof visible)[number]): TodoView => ({
    id: t.id,
    content: t.content,
    list: t.list,
    completed: t.completed,
    churn: t.churn,
    clocks: t.clocks,
  })
  return {
    roomName: meta?.name ?? '',
    peerNames: Object.fromEntries(meta?.peerNames ?? []),
    todos: dirty === null ? visible.map(view) : diffTodos(visible, dirty, view, hold),
    ...countTodos(visible),
    eventCount: await log.store.count(),
    heads: await log.store.heads(),
    interpretation: log.interpretation,
    stateHash: withStateHash ? log.stateHash() : null,
  }
}

/**
 * The todos the UI holds. During a catch-up it is sent only the todos it holds and the
 * first page of the list (TODO_PAGE, all TodoList renders then), and the rest once the
 * catch-up is over (todo-patch.ts diffTodos): applying and keeping ~2,000 new todos per
 * batch on the UI thread grew its heap into a major GC and Blink's first sweep (10-15 ms
 * tasks), on top of milliseconds per snapshot: the ui bench counted tasks over 50 ms in
 * 3-6 of 16 visits, and 1-2 of 16 with the todos held back (`npm run bench -- ui`).
 */
export class UiHeldTodos {
  #held = new Set<TodoId>()

  /** The `hold` for the next patch: a first page during a catch-up, else everything. */
  forPatch(catchingUp: boolean): HeldTodos {
    return { held: this.#held, limit: catchingUp ? TODO_PAGE : Infinity }
  }

  /** Notes what the UI holds once it has `snapshot`. */
  after(snapshot: Pick<LogSnapshot, 'todos'>): void {
    if (Array.isArray(snapshot.todos)) this.#held = new Set(snapshot.todos.map((t) => t.id))
    else holdPatch(this.#held, snapshot.todos)
  }
}
