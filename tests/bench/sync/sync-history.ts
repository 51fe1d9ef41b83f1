/**
 * Seeded shared histories for the sync suite: `size` events written by 10 replicas, and
 * the offline edits each side makes before a reconcile. Pure (no node:*): the Chromium
 * bench workers build the very same 100k events from the same seed.
 *
 *   live writers w1..w6 ── one shared chain on the current heads (an author keeps the pen
 *                          for a few events); now and then two of them write at once on
 *                          the same heads (a fork; the next event merges it)
 *   roaming writers w7..w10 ── sync, go away, come back with a short chain written on
 *                              their old heads (late events concurrent with many others)
 *
 * Events come out in delivery order (parents before children), so every prefix is a
 * causally closed log. Every writer's new event has all of that writer's earlier events
 * as ancestors (a roaming writer resyncs right after its burst), the invariant the
 * protocol's version vectors rest on — real tabs keep it with a Web Lock per replica.
 */
import type { EventId, ReplicaId, TodoId } from '../../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../../shared/event.ts'
import { sealEvent } from '../../../shared/event-codec.ts'
import type { LocalAction } from '../../../shared/todo-log.ts'
import { replica, rng, todo } from '../../helpers/fixtures.ts'

export const WRITERS = 10
const LIVE_WRITERS = 6

const WORDS = ['buy', 'milk', 'call', 'mum', 'fix', 'the', 'bike', 'review', 'pull', 'request', 'book', 'flights',
  'water', 'plants', 'write', 'report', 'pay', 'rent', 'clean', 'kitchen', 'plan', 'sprint', 'email', 'dentist']
const LISTS = ['home', 'work', 'errands', 'someday', 'shopping']

/** Replica ids of the shared history's writers: replica(first) … replica(first + 9). */
export const writerIds = (first: number): ReplicaId[] => Array.from({ length: WRITERS }, (_, i) => replica(first + i))

interface Roamer {
  id: ReplicaId
  heads: TodoEvent[]
  syncedAt: number
}

/**
 * `size` events by the 10 writers replica(firstWriter) … replica(firstWriter + 9), in
 * delivery order. Also returns the ids of the todos still alive at the end (for edits).
 */
export function sharedHistory(seed: number, size: number, firstWriter = 1): { events: TodoEvent[]; todos: TodoId[] } {
  const next = rng(seed)
  const ids = writerIds(firstWriter)
  const live = ids.slice(0, LIVE_WRITERS)
  const roamers: Roamer[] = ids.slice(LIVE_WRITERS).map((id) => ({ id, heads: [], syncedAt: 0 }))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const text = () => Array.from({ length: 2 + Math.floor(next() * 5) }, () => pick(WORDS)).join(' ')
  /** A todo, most likely a recent one. */
  const recent = (list: readonly TodoId[]): TodoId => {
    const u = next()
    return list[list.length - 1 - Math.floor(list.length * u * u * u * u)]!
  }

  const out: TodoEvent[] = []
  const active: TodoId[] = []
  let heads: TodoEvent[] = []
  let time = 1_700_000_000_000
  let pen = live[0]!
  let serial = 0

  const append = (parents: readonly TodoEvent[], author: ReplicaId, t: TodoId, type: string, value: EventValue): TodoEvent => {
    time += 1 + Math.floor(next() * 60_000)
    const e = sealEvent({
      parents: parents.map((p) => p.id).sort() as EventId[],
      lamport: 1 + parents.reduce((m, p) => Math.max(m, p.lamport), 0),
      author,
      todo: t,
      type,
      value,
      time,
    })
    const named = new Set(e.parents)
    heads = [...heads.filter((h) => !named.has(h.id)), e]
    out.push(e)
    return e
  }
  const edit = (): [string, EventValue] => {
    const r = next()
    if (r < 0.45) return ['set_content', text()]
    if (r < 0.8) return ['complete', next() < 0.5]
    if (r < 0.95) return ['add_to_list', pick(LISTS)]
    return ['set_due', '2026-12-01'] // a newer peer's type: stored and relayed, not folded
  }

  while (out.length < size) {
    const left = size - out.length
    const r = next()
    const roamer = pick(roamers)
    if (roamer.heads.length === 0 && out.length >= 20) {
      roamer.heads = heads // its first sync
      roamer.syncedAt = out.length
    }
    if (r < 0.004 && left >= 12 && roamer.heads.length > 0 && out.length - roamer.syncedAt > 50 && active.length > 0) {
      // A roaming writer's late burst on its old heads, then it resyncs.
      let parents = roamer.heads
      const n = Math.min(left, 3 + Math.floor(next() * 9))
      const t = recent(active)
      for (let i = 0; i < n; i++) parents = [append(parents, roamer.id, t, ...edit())]
      roamer.heads = heads
      roamer.syncedAt = out.length
    } else if (r < 0.05 && left >= 2 && active.length > 0) {
      const base = heads
      const a = pick(live)
      const b = live.find((w) => w !== a)!
      const [ta, tb] = [recent(active), recent(active)]
      append(base, a, ta, ...edit())
      append(base, b, tb, ...edit())
    } else if ((r < 0.15 || active.length === 0) && left >= 3) {
      const t = todo(++serial)
      active.push(t)
      append(heads, pen, t, 'create', null)
      append(heads, pen, t, 'set_content', text())
      append(heads, pen, t, 'add_to_list', pick(LISTS))
    } else if (active.length > 0) {
      if (next() < 0.1) pen = pick(live)
      const t = recent(active)
      if (next() < 0.04) {
        active.splice(active.indexOf(t), 1)
        append(heads, pen, t, 'delete', null)
      } else {
        append(heads, pen, t, ...edit())
      }
    } else {
      // Fewer than 3 events left and no todo yet: an edit of a todo nobody created.
      append(heads, pen, todo(++serial), 'set_content', text())
    }
  }
  for (const r of roamers) r.heads = heads
  return { events: out, todos: active }
}

/**
 * `k` offline edits by one side (authored with ReplicaNode.actMany): mostly edits of
 * existing todos, one in ten a new todo (ids from `todoBase` on, distinct per side).
 */
export function sideActions(seed: number, k: number, todos: readonly TodoId[], todoBase: number): LocalAction[] {
  const next = rng(seed)
  const actions: LocalAction[] = []
  let time = 1_800_000_000_000
  let serial = todoBase
  for (let i = 0; i < k; i++) {
    time += 1 + Math.floor(next() * 60_000)
    const r = next()
    if (r < 0.1 || todos.length === 0) {
      actions.push({ todo: todo(++serial), type: 'create', value: null, time })
    } else {
      const t = todos[todos.length - 1 - Math.floor(next() * Math.min(todos.length, 200))]!
      if (r < 0.6) actions.push({ todo: t, type: 'set_content', value: `edited offline ${i}`, time })
      else actions.push({ todo: t, type: 'complete', value: next() < 0.5, time })
    }
  }
  return actions
}
