/** Small builders for events in tests: deterministic ids for replicas and todos. */
import type { EventId, ReplicaId, TodoId } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import { sealEvent } from '../../shared/event-codec.ts'

/**
 * Replica n, with n in both halves: distinct in its first 8 bytes too, since sync hellos
 * name authors by those (shared/sync/messages.ts). Real replica ids are random.
 */
export const replica = (n: number): ReplicaId => n.toString(16).padStart(16, '0').repeat(2) as ReplicaId
export const todo = (n: number): TodoId => `${'t'.charCodeAt(0).toString(16)}${n.toString(16).padStart(30, '0')}` as TodoId

/** An event on top of `parents` (lamport derived from them). */
export function ev(
  parents: readonly TodoEvent[],
  fields: { author?: ReplicaId; todo?: TodoId; type: string; value?: EventValue; time?: number },
): TodoEvent {
  const ids = parents.map((p) => p.id).sort() as EventId[]
  const lamport = parents.reduce((m, p) => Math.max(m, p.lamport), 0) + 1
  return sealEvent({
    parents: [...new Set(ids)],
    lamport,
    author: fields.author ?? replica(1),
    todo: fields.todo ?? todo(1),
    type: fields.type,
    value: fields.value ?? null,
    time: fields.time ?? 1_700_000_000_000,
  })
}

/** A linear chain of events, each the parent of the next. */
export function chain(specs: Array<Parameters<typeof ev>[1]>, start: readonly TodoEvent[] = []): TodoEvent[] {
  const out: TodoEvent[] = []
  let parents = start
  for (const spec of specs) {
    const e = ev(parents, spec)
    out.push(e)
    parents = [e]
  }
  return out
}

/** The seed article's 13-event `todo_events` example, as one author's chain. */
export function seedTodoEvents(): TodoEvent[] {
  const [t1, t2, t3] = [todo(1), todo(2), todo(3)]
  return chain([
    { todo: t1, type: 'create' },
    { todo: t1, type: 'set_content', value: 'make pasta' },
    { todo: t1, type: 'add_to_list', value: 'home' },
    { todo: t1, type: 'complete', value: true },
    { todo: t1, type: 'set_content', value: 'cook' },
    { todo: t1, type: 'complete', value: false },
    { todo: t2, type: 'create' },
    { todo: t2, type: 'set_content', value: 'clean' },
    { todo: t2, type: 'add_to_list', value: 'home' },
    { todo: t3, type: 'create' },
    { todo: t3, type: 'set_content', value: 'write' },
    { todo: t3, type: 'add_to_list', value: 'work' },
    { todo: t3, type: 'complete', value: true },
  ])
}

/** Deterministic PRNG (mulberry32) so generated histories replay from a printed seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
