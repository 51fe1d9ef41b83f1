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
 * Which todos the UI thread holds, when it may not hold them all (see diffTodos): the ids
 * it was sent and still has, and below which index of the list a todo it lacks is sent.
 */
export interface HeldTodos {
  held: ReadonlySet<TodoId>
  limit: number
}

/**
 * The patch from a list whose todos outside `dirty` are unchanged to `next`; `view`
 * turns an item of `next` into what the UI gets (only changed items pay for it).
 *
 * Without `hold` the UI holds every todo. With it, the UI's list is the todos of `next`
 * it holds (`hold.held`) plus those it lacks that sit below `hold.limit` in `next`, in
 * the order of `next`, and indices are positions in that list. During a catch-up the
 * worker keeps the UI to the first page of todos this way (log-worker.ts), so the UI
 * thread neither applies nor keeps the thousands of todos each batch adds; the rest
 * follow when the catch-up ends. The argument of the header holds for any such list:
 * the todos it keeps unchanged keep their order, whatever is left out.
 */
export function diffTodos<T extends { id: TodoId }>(
  next: readonly T[],
  dirty: ReadonlySet<TodoId>,
  view: (t: T) => TodoView,
  hold?: HeldTodos,
): TodoPatch {
  const changed: TodoPatch['changed'] = []
  const present = new Set<TodoId>()
  let at = 0 // index in the UI's new list
  for (let i = 0; i < next.length; i++) {
    const t = next[i]!
    const lacks = hold !== undefined && !hold.held.has(t.id)
    if (lacks && i >= hold.limit) continue
    if (dirty.has(t.id)) present.add(t.id)
    if (lacks || dirty.has(t.id)) changed.push([at, view(t)])
    at++
  }
  return { changed, gone: [...dirty].filter((id) => !present.has(id) && (hold === undefined || hold.held.has(id))) }
}

/** `held` (the ids the UI holds) once the UI has applied `patch`. */
export function holdPatch(held: Set<TodoId>, patch: TodoPatch): void {
  for (const [, t] of patch.changed) held.add(t.id)
  for (const id of patch.gone) held.delete(id)
}

/**
 * `previous` with `patch` applied. An index beyond the end (a patch that does not fit,
 * which a correct worker never sends) appends, rather than leaving holes.
 */
export function applyTodoPatch(previous: readonly TodoView[], patch: TodoPatch): TodoView[] {
  if (patch.changed.length === 0 && patch.gone.length === 0) return previous as TodoView[]
  return inPlaceOrAppended(previous, patch) ?? rebuilt(previous, patch)
}

/**
 * The usual patch while a catch-up streams in: nothing gone, and each changed todo either
 * at the very index it had (an edit) or past the old end (new todos). Applied as a copy
 * of the list with those slots replaced and the new ones pushed: no pass hashing every
 * id, which at 25k todos is most of the UI thread's cost per snapshot.
 *
 * Why that is the same list `rebuilt` would give: let C1 be the changed todos found at
 * their own index in `previous` and C2 those past its end, and d the number of changed
 * todos that were in `previous` at all (d ≥ |C1|). The new list is |previous| - d + |C1|
 * + |C2| long and C2 holds distinct indices ≥ |previous|, so |C2| ≤ |C1| + |C2| - d,
 * i.e. d = |C1|: no todo of C2 was in `previous` (none moved to the end). The unchanged
 * todos keep their order and fill the remaining slots below |previous|, which are exactly
 * their old slots.
 */
function inPlaceOrAppended(previous: readonly TodoView[], patch: TodoPatch): TodoView[] | null {
  if (patch.gone.length > 0) return null
  const out = previous.slice()
  return putInPlace(previous, out, patch.changed) ? out : null
}

/**
 * The shortcut's step, for a whole patch or a part of one: if every todo of `changed`
 * either sits at its own index in `previous` or comes past its end, writes them into
 * `out` (a copy of `previous`, with any earlier parts applied) and returns true; else
 * leaves `out` as it was and returns false.
 */
function putInPlace(previous: readonly TodoView[], out: TodoView[], changed: TodoPatch['changed']): boolean {
  // Indexed loops, no destructuring: this runs once per snapshot, in V8's interpreter,
  // where destructuring through the iterator protocol made applying the ~23k todos a
  // catch-up's end delivers take 14 ms (Chrome trace). Indexed: 6x faster (measured in
  // Node with --no-opt --no-sparkplug --no-maglev).
  const n = previous.length
  for (let k = 0; k < changed.length; k++) {
    const c = changed[k]!
    if (c[0] < n && previous[c[0]]!.id !== c[1].id) return false
  }
  for (let k = 0; k < changed.length; k++) {
    const c = changed[k]!
    if (c[0] < n) out[c[0]] = c[1]
    else out.push(c[1]) // ascending indices: in order
  }
  return true
}

/** The general case: one pass over `previous`, dropping changed and gone todos and inserting changed ones at their index. */
function rebuilt(previous: readonly TodoView[], patch: TodoPatch): TodoView[] {
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

/** Most changed todos per message when a patch is posted in parts (splitPatch). */
export const PATCH_PART = 256

/**
 * A patch cut for posting: `parts` go first, each in a message of its own, and `rest`
 * rides with the state. A message is deserialized in the task that receives it, so a
 * catch-up batch's ~1,800 new todos in one message made one 7–9 ms task on the UI
 * thread, stretched past 50 ms whenever the busy machine took its core away (Chrome
 * traces, `npm run bench -- ui`). In parts, each task is about a millisecond and the
 * UI applies each as it arrives (PatchInParts), the last with the state.
 */
export function splitPatch(patch: TodoPatch, size = PATCH_PART): { parts: Array<TodoPatch['changed']>; rest: TodoPatch } {
  const parts: Array<TodoPatch['changed']> = []
  let at = 0
  while (patch.changed.length - at > size) {
    parts.push(patch.changed.slice(at, at + size))
    at += size
  }
  return { parts, rest: at === 0 ? patch : { changed: patch.changed.slice(at), gone: patch.gone } }
}

/**
 * Most parts posted back to back; then the UI draws a frame before the next ones. The
 * end of a 100k-event catch-up sends the ~23k todos held back from the UI: ~90 parts,
 * each a ~1 ms task to receive. Posted at once they kept the UI thread busy task after
 * task, and no frame was drawn for 52-81 ms in 8 of 10 visits, though no task was long
 * (frame gaps in Chrome traces of `npm run bench -- ui`).
 */
export const PARTS_PER_FRAME = 8

/**
 * Posts `parts` in order, `perGroup` at a time, awaiting `frameDrawn()` between groups
 * (not after the last: the state that ends the patch follows at once).
 */
export async function postInGroups<T>(parts: readonly T[], post: (part: T) => void, frameDrawn: () => Promise<void>, perGroup = PARTS_PER_FRAME): Promise<void> {
  for (let i = 0; i < parts.length; i++) {
    post(parts[i]!)
    if ((i + 1) % perGroup === 0 && i + 1 < parts.length) await frameDrawn()
  }
}

/**
 * A patch posted in parts, applied part by part as they arrive on the UI thread, so the
 * task that receives the state ending it does not apply the whole patch at once. At the
 * end of a 100k-event catch-up that patch brings the ~23k todos held back from the UI:
 * joining the parts and applying them in that one task took ~4 of its 12-14 ms of CPU
 * (Chrome CPU profiles, `npm run bench -- ui`), and the risk of a task being stretched
 * past 50 ms on a busy machine grows with its length (the bench's UI_BENCH_PROBE).
 *
 * Each part is applied to a copy of `previous` by the step applyTodoPatch's shortcut takes
 * for a whole patch (putInPlace: an edit in its own slot, a new todo pushed at the end),
 * once every entry of the part passes the shortcut's check against `previous`. If one
 * does not (a todo moved), or the state brings gone ids, finish() applies the joined
 * patch to `previous` instead: the result is always
 * applyTodoPatch(previous, joinPatchParts(parts, rest)).
 */
export class PatchInParts {
  readonly #previous: readonly TodoView[]
  readonly #parts: Array<TodoPatch['changed']> = []
  /** `previous` with the parts so far applied; null once a part needs the general rebuild. */
  #draft: TodoView[] | null

  constructor(previous: readonly TodoView[]) {
    this.#previous = previous
    this.#draft = previous.slice()
  }

  add(part: TodoPatch['changed']): void {
    this.#parts.push(part)
    if (this.#draft !== null && !putInPlace(this.#previous, this.#draft, part)) this.#draft = null
  }

  /** The list once `rest` (the patch that came with the state) is applied too. */
  finish(rest: TodoPatch): TodoView[] {
    if (this.#draft !== null && rest.gone.length === 0 && putInPlace(this.#previous, this.#draft, rest.changed)) return this.#draft
    return applyTodoPatch(this.#previous, joinPatchParts(this.#parts, rest))
  }
}

/** The patch splitPatch cut into `parts` and `rest`, whole again. */
export function joinPatchParts(parts: ReadonlyArray<TodoPatch['changed']>, rest: TodoPatch): TodoPatch {
  return parts.length === 0 ? rest : { changed: ([] as TodoPatch['changed']).concat(...parts, rest.changed), gone: rest.gone }
}

