import { describe, expect, it } from 'vitest'
import { compareEvents, sortEvents } from '../../shared/order.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { ev, replica, rng } from '../helpers/fixtures.ts'

/** A random DAG: each new event picks 1–3 random earlier events as parents (or none). */
function randomDag(seed: number, size: number): TodoEvent[] {
  const next = rng(seed)
  const events: TodoEvent[] = []
  for (let i = 0; i < size; i++) {
    const parents = new Set<TodoEvent>()
    const k = events.length === 0 ? 0 : 1 + Math.floor(next() * 3)
    for (let j = 0; j < k; j++) parents.add(events[Math.floor(next() * events.length)]!)
    events.push(ev([...parents], { author: replica(1 + Math.floor(next() * 4)), type: 'set_content', value: `v${i}` }))
  }
  return events
}

describe('(lamport, id) order', () => {
  it('is a linear extension of causality: every parent comes before its child', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const dag = randomDag(seed, 3 + (seed % 20))
      const shuffle = rng(seed * 7)
      const shuffled = [...dag].sort(() => shuffle() - 0.5)
      const order = sortEvents(shuffled)
      const position = new Map(order.map((e, i) => [e.id, i]))
      for (const e of order) {
        for (const p of e.parents) expect(position.get(p)!, `seed ${seed}`).toBeLessThan(position.get(e.id)!)
      }
    }
  })

  it('is total and the same whatever order events arrive in', () => {
    const dag = randomDag(42, 40)
    const a = sortEvents(dag).map((e) => e.id)
    const b = sortEvents([...dag].reverse()).map((e) => e.id)
    expect(a).toEqual(b)
    for (let i = 1; i < dag.length; i++) {
      const s = sortEvents(dag)
      expect(compareEvents(s[i - 1]!, s[i]!)).toBeLessThan(0)
    }
  })
})
