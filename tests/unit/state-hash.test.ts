/**
 * The state hash (shared/state-hash.ts): combineDigests writes the CBOR of
 * [interpretation, [[todoId, digest], ...] by todo id] itself, for speed; cborg's
 * encoding of that value (combinedCbor) is the definition, so the hash must be the
 * SHA-256 of exactly those bytes for any set of todos, of any size.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '../../shared/hex.ts'
import type { TodoId } from '../../shared/ids.ts'
import { combineDigests, combinedCbor, todoCbor, todoDigest } from '../../shared/state-hash.ts'
import { INTERPRETATIONS, INTERPRETATION_NAMES } from '../../shared/interpretations/index.ts'
import { type TodoState, emptyTodo, foldTodo } from '../../shared/todo-fold.ts'
import { chain, seedTodoEvents, todo } from '../helpers/fixtures.ts'

const byDefinition = (name: (typeof INTERPRETATION_NAMES)[number], digests: Map<TodoId, Uint8Array>) =>
  bytesToHex(sha256(combinedCbor(name, digests)))

/** `n` todos with 32-hex-digit ids and 32-byte digests, in no particular order. */
function todos(n: number): Map<TodoId, Uint8Array> {
  const out = new Map<TodoId, Uint8Array>()
  for (let i = n - 1; i >= 0; i--) {
    const digest = new Uint8Array(32).fill(i & 0xff)
    digest[0] = i >> 8
    out.set(((i * 2654435761) >>> 0).toString(16).padStart(32, '0') as TodoId, digest)
  }
  return out
}

describe('todoDigest', () => {
  const digestByDefinition = (t: TodoState) => bytesToHex(sha256(todoCbor(t)))

  it('hashes exactly cborg’s encoding of the state, under every interpretation', () => {
    const events = seedTodoEvents()
    for (const name of INTERPRETATION_NAMES) {
      for (const id of [todo(1), todo(2), todo(3)]) {
        const state = foldTodo(id, events.filter((e) => e.todo === id), INTERPRETATIONS[name].apply)
        expect(bytesToHex(todoDigest(state)), `${name} ${id}`).toBe(digestByDefinition(state))
      }
    }
    expect(bytesToHex(todoDigest(emptyTodo(todo(9))))).toBe(digestByDefinition(emptyTodo(todo(9))))
  })

  it('hashes a state larger than its buffer whole (a long churn history), and small ones correctly after it', () => {
    // Each un-complete after a complete adds a churn entry (~150 bytes of CBOR).
    const toggles = Array.from({ length: 200 }, (_, i) => ({ todo: todo(5), type: 'complete', value: i % 2 === 0 }))
    const edits = chain([{ todo: todo(5), type: 'create' }, ...toggles])
    const big = foldTodo(todo(5), edits, INTERPRETATIONS.churn.apply)
    expect(todoCbor(big).length).toBeGreaterThan(8192)
    expect(bytesToHex(todoDigest(big))).toBe(digestByDefinition(big))
    const small = emptyTodo(todo(6))
    expect(bytesToHex(todoDigest(small))).toBe(digestByDefinition(small))
  })
})

describe('combineDigests', () => {
  it('hashes exactly cborg’s encoding, whatever the ids, digests and interpretation', () => {
    const id = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 0, maxLength: 40 }),
      fc.string({ maxLength: 30 }), // not hex, ASCII or not: the definition still decides
    )
    fc.assert(
      fc.property(
        fc.constantFrom(...INTERPRETATION_NAMES),
        fc.array(fc.tuple(id, fc.uint8Array({ minLength: 0, maxLength: 40 })), { maxLength: 40 }),
        (name, rows) => {
          const digests = new Map(rows.map(([k, v]) => [k as TodoId, v]))
          expect(combineDigests(name, digests)).toBe(byDefinition(name, digests))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('matches the definition at every CBOR length boundary of the todo count (23/24, 255/256, 65,535/65,536)', () => {
    for (const n of [0, 1, 23, 24, 255, 256, 65_535, 65_536]) {
      const digests = todos(n)
      expect(combineDigests('lww', digests), `${n} todos`).toBe(byDefinition('lww', digests))
    }
  })

  it('gives the same hash after a larger set was combined (its buffer is reused)', () => {
    const small = todos(3)
    const expected = byDefinition('churn', small)
    combineDigests('churn', todos(5000))
    expect(combineDigests('churn', small)).toBe(expected)
  })
})
