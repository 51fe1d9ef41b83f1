/**
 * PendingToggles: what the user last asked a todo's checkbox to be, shown until the log
 * has it.
 *
 * A toggle is an event: the worker stores it, and a later snapshot shows it. Clicking a
 * box twice quickly sends two acts, and the first one's snapshot, arriving after the
 * second click, checked the box again for a moment (the second one's snapshot then
 * unchecked it). So the room store shows the value last asked for over every snapshot
 * while any toggle of that todo is unanswered, and the first snapshot after the last
 * answer settles it: from then on the log's value shows, whatever it is (a peer's
 * concurrent toggle may win, or the act may have been refused).
 *
 * Why the first snapshot after the answer holds the change: the worker answers an act
 * once its events are stored, and posts the snapshot that shows them in a later task
 * (log-worker.ts). A refused act changes nothing, so no snapshot need follow it: the store
 * settles at once then (`settle`).
 */
import type { TodoId } from '../../shared/ids.ts'

interface Asked {
  completed: boolean
  /** Toggles of this todo not answered yet. */
  unanswered: number
}

export class PendingToggles {
  /** By todo; an entry with nothing unanswered waits for the next snapshot (`settle`). */
  readonly #asked = new Map<TodoId, Asked>()

  /** The user asked `todo` to be `completed`. Call the function returned once the act is answered. */
  ask(todo: TodoId, completed: boolean): () => void {
    const asked = this.#asked.get(todo) ?? { completed, unanswered: 0 }
    asked.completed = completed
    asked.unanswered++
    this.#asked.set(todo, asked)
    let once = false
    return () => {
      if (once) return
      once = true
      asked.unanswered--
    }
  }

  /**
   * Forgets the todos whose toggles were all answered: call when a snapshot arrives
   * (it shows their events), before `overlay`.
   */
  settle(): void {
    for (const [todo, asked] of this.#asked) if (asked.unanswered === 0) this.#asked.delete(todo)
  }

  /** `todos` with each unsettled todo as asked; the same array when that changes nothing. */
  overlay<T extends { id: TodoId; completed: boolean }>(todos: readonly T[]): readonly T[] {
    if (this.#asked.size === 0) return todos
    let out: T[] | null = null
    for (let i = 0; i < todos.length; i++) {
      const t = todos[i]!
      const asked = this.#asked.get(t.id)
      if (!asked || asked.completed === t.completed) continue
      out ??= todos.slice()
      out[i] = { ...t, completed: asked.completed }
    }
    return out ?? todos
  }
}
