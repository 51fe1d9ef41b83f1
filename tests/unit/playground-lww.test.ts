/**
 * client/playground/lww-register-node.ts: the seed's LWW registers. Each column has its
 * own clock; merge takes the higher clock, on ties the bigger value; the loser is gone.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  type LwwNode,
  addTodo,
  mergeNodes,
  mergeRegister,
  newLwwNode,
  setCompleted,
  setContent,
  syncNodes,
} from '../../client/playground/lww-register-node.ts'

const values = (n: LwwNode) => n.todos.map((t) => [t.id, t.content.value, t.content.clock, t.completed.value, t.completed.clock])

describe('LWW-register node', () => {
  it('adds todos with the node-scoped id, content at clock 1 and completed at clock 0', () => {
    const a = addTodo(addTodo(newLwwNode('A'), 'cook'), 'clean')
    expect(values(a)).toEqual([
      ['A1', 'cook', 1, false, 0],
      ['A2', 'clean', 1, false, 0],
    ])
  })

  it('a write moves only its own column clock forward by one', () => {
    let a = addTodo(newLwwNode('A'), 'make pasta')
    a = setCompleted(a, 'A1', true)
    a = setContent(a, 'A1', 'cook')
    a = setCompleted(a, 'A1', false)
    expect(values(a)).toEqual([['A1', 'cook', 2, false, 2]])
  })

  it('leaves its argument untouched', () => {
    const a = addTodo(newLwwNode('A'), 'cook')
    const before = structuredClone(a)
    setContent(a, 'A1', 'bake')
    mergeNodes(a, addTodo(newLwwNode('B'), 'x'))
    expect(a).toEqual(before)
  })

  it('merge takes the higher clock, and on a tie the bigger value', () => {
    expect(mergeRegister({ value: 'a', clock: 3 }, { value: 'z', clock: 2 })).toEqual({ value: 'a', clock: 3 })
    expect(mergeRegister({ value: 'oat', clock: 2 }, { value: 'soy', clock: 2 })).toEqual({ value: 'soy', clock: 2 })
    expect(mergeRegister({ value: false, clock: 1 }, { value: true, clock: 1 })).toEqual({ value: true, clock: 1 })
  })

  it('an overwritten value is gone after sync: no node keeps it', () => {
    const [a0, b0, c0] = syncNodes([addTodo(newLwwNode('A'), 'buy milk'), newLwwNode('B'), newLwwNode('C')])
    const a = setContent(a0!, 'A1', 'buy oat milk')
    const b = setContent(b0!, 'A1', 'buy soy milk')
    const synced = syncNodes([a, b, c0!])
    for (const n of synced) expect(values(n)).toEqual([['A1', 'buy soy milk', 2, false, 0]])
    expect(JSON.stringify(synced)).not.toContain('oat')
    expect(synced.map((n) => n.name)).toEqual(['A', 'B', 'C'])
  })

  it('a node that stayed out of a sync diverges, and converges on the next one', () => {
    let [a, b, c] = syncNodes([addTodo(newLwwNode('A'), 'write'), newLwwNode('B'), newLwwNode('C')]) as [LwwNode, LwwNode, LwwNode]
    c = setCompleted(c, 'A1', true)
    ;[a, b] = syncNodes([a, b]) as [LwwNode, LwwNode]
    expect(a.todos[0]!.completed.value).toBe(false)
    ;[a, b, c] = syncNodes([a, b, c]) as [LwwNode, LwwNode, LwwNode]
    for (const n of [a, b, c]) expect(n.todos[0]!.completed).toEqual({ value: true, clock: 1 })
  })

  it('merge is commutative, associative and idempotent (any sync order converges)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), text: fc.string({ maxLength: 3 }) }),
      fc.record({ kind: fc.constant('content' as const), id: fc.nat(3), text: fc.string({ maxLength: 3 }) }),
      fc.record({ kind: fc.constant('done' as const), id: fc.nat(3), done: fc.boolean() }),
    )
    type Op = { kind: 'add'; text: string } | { kind: 'content'; id: number; text: string } | { kind: 'done'; id: number; done: boolean }
    const build = (name: string, ops: Op[]) =>
      ops.reduce<LwwNode>((n, o) => {
        if (o.kind === 'add') return addTodo(n, o.text)
        const id = n.todos[o.id % Math.max(1, n.todos.length)]?.id ?? 'none'
        return o.kind === 'content' ? setContent(n, id, o.text) : setCompleted(n, id, o.done)
      }, newLwwNode(name))
    fc.assert(
      fc.property(fc.array(op, { maxLength: 8 }), fc.array(op, { maxLength: 8 }), fc.array(op, { maxLength: 8 }), (x, y, z) => {
        const [a, b, c] = [build('A', x), build('B', y), build('C', z)]
        const rows = (n: LwwNode) => n.todos
        expect(rows(mergeNodes(a, b))).toEqual(rows(mergeNodes(b, a)))
        expect(rows(mergeNodes(mergeNodes(a, b), c))).toEqual(rows(mergeNodes(a, mergeNodes(b, c))))
        expect(rows(mergeNodes(a, a))).toEqual(rows(a))
      }),
    )
  })
})
