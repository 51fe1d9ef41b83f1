/**
 * The todo list as the worker sends it after the first snapshot: only what changed.
 *
 * A 100k-event room holds ~25k todos. Posting all of them after every stored batch costs
 * the UI thread a structured clone of 25k objects per snapshot, tens of milliseconds
 * each, many times a second during a catch-up. Events touch few todos, so the worker
 * sends a patch: the todos that changed, each with its index in the new list, and the
 * ids of those that are gone.
 *
 * Why indices are enough: the list is in creation order, and a todo's place only moves
 * when the todo itself changes. So the todos not in the patch keep their relative order;
 * removing the changed and gone ones from the old list and inserting each changed todo
 * at its new index, lowest first, yields exactly the new list.
 *
 *   worker:    diffTodos(next, dirty, view)   (dirty: ids touched since the last post)
 *   UI thread: applyTodoPatch(previous, patch)
 */
import type { TodoId } from '../../shared/ids.ts'
import type { TodoView } from './protocol.ts'

export interface TodoPatch {
  /** Changed or new todos with their index in the new list, by ascending index. */
  changed: Array<[index: number, todo: TodoView]>
  /** Todos no longer in the list (deleted, or ids that never were in it). */
  gone: TodoId[]
}

/**
 * The patch from a list whose todos outside `dirty` are unchanged to `next`; `view`
 * turns an item of `next` into what the UI gets (only changed items pay for it).
 */
export function diffTodos<T extends { id: TodoId }>(next: readonly T[], dirty: ReadonlySet<TodoId>, view: (t: T) => TodoView): TodoPatch {
  const changed: TodoPatch['changed'] = []
  const present = new Set<TodoId>()
  next.forEach((t, i) => {
    if (!dirty.has(t.id)) return
    changed.push([i, view(t)])
    present.add(t.id)
  })
  return { changed, gone: [...dirty].filter((id) => !present.has(id)) }
}

/**
 * `previous` with `patch` applied: one pass over the list. An index beyond the end (a
 * patch that does not fit, which a correct worker never sends) appends, rather than
 * leaving holes.
 */
export function applyTodoPatch(previous: readonly TodoView[], patch: TodoPatch): TodoView[] {
  if (patch.changed.length === 0 && patch.gone.length === 0) return previous as TodoView[]
  const drop = new Set<TodoId>(patch.gone)
  for (const [, t] of patch.changed) drop.add(t.id)
  const out: TodoView[] = []
  let next = 0
  for (const t of previous) {
    if (drop.has(t.id)) continue
    while (next < patch.changed.length && patch.changed[next]![0] === out.length) out.push(patch.changed[next++]![1])
    out.push(t)
  }
  while (next < patch.changed.length) out.push(patch.changed[next++]![1])
  return out
}
