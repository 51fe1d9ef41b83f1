/**
 * Snapshots from the log worker arrive as fresh objects (structured clone), so every
 * todo in them is a new object even when nothing about it changed. Vue compares a
 * component's props by identity: fed the fresh objects, it re-renders every item on
 * every snapshot, which during a large catch-up is most of the UI thread's work.
 *
 * keepUnchanged swaps each unchanged todo back to the object the UI already holds, so
 * only changed items re-render; when nothing changed at all it returns `previous`
 * itself, and a store that assigns it triggers nothing.
 */
import type { TodoView } from '../worker/protocol.ts'

/** `next`, with every todo equal to one in `previous` replaced by that object. */
export function keepUnchanged(previous: readonly TodoView[], next: readonly TodoView[]): readonly TodoView[] {
  if (previous.length === 0) return next
  const known = new Map(previous.map((t) => [t.id, t]))
  let same = previous.length === next.length
  const out = next.map((t, i) => {
    const old = known.get(t.id)
    if (old === undefined || !sameTodo(old, t)) {
      same = false
      return t
    }
    if (previous[i] !== old) same = false
    return old
  })
  return same ? previous : out
}

function sameTodo(a: TodoView, b: TodoView): boolean {
  return (
    a.content === b.content &&
    a.list === b.list &&
    a.completed === b.completed &&
    a.churn.length === b.churn.length &&
    a.churn.every((c, i) => c.event === b.churn[i]!.event) &&
    // Clocks exist only under the lww-register reading, and are small.
    (a.clocks === b.clocks || JSON.stringify(a.clocks) === JSON.stringify(b.clocks))
  )
}

/**
 * `previous` when `next` holds the same entries (a fresh copy of an unchanged record, as
 * every snapshot brings the peers' names), else `next`. Assigned to a shallowRef, the
 * unchanged record triggers nothing: the people panel does not re-render on each of the
 * several snapshots a second a catch-up posts.
 */
export function keepUnchangedRecord<V>(previous: Readonly<Record<string, V>>, next: Readonly<Record<string, V>>): Readonly<Record<string, V>> {
  const keys = Object.keys(next)
  if (keys.length !== Object.keys(previous).length) return next
  for (const k of keys) if (!Object.hasOwn(previous, k) || previous[k] !== next[k]) return next
  return previous
}
