/**
 * The state hash: one digest of every todo state of one interpretation. Peers holding the
 * same events under the same interpretation get the same hash — a one-line convergence
 * check for tests and the UI.
 *
 *   todoDigest(state)  = SHA-256(canonical CBOR of the state's fields, in a fixed order)
 *   stateHash          = SHA-256(CBOR [interpretation, [[todoId, todoDigest], ...] by todo id])
 *
 * Two levels so a log can keep per-todo digests up to date as todos change and combine
 * them per snapshot (32 bytes per todo), instead of re-encoding every state each time.
 */
import { encode } from 'cborg'
import { sha256 } from '@noble/hashes/sha2.js'
import { type TodoId, bytesToHex } from './ids.ts'
import type { TodoState } from './todo-fold.ts'
import type { InterpretationName } from './interpretations/interpretation.ts'

/** Digest of one todo state (field order fixed here, not by object key order). */
export function todoDigest(t: TodoState): Uint8Array {
  return sha256(
    encode([
      t.id,
      t.content,
      t.list,
      t.completed,
      t.deleted,
      t.created,
      t.createdLamport,
      t.createdId,
      t.lastLamport,
      t.lastId,
      t.churn.map((c) => [c.event, c.author, c.time, c.lamport, c.undid]),
      t.clocks && [t.clocks.content, t.clocks.list, t.clocks.completed].map((c) => c && [c.lamport, c.event, c.author]),
    ]),
  )
}

/** Combines per-todo digests into the state hash. */
export function combineDigests(name: InterpretationName, digests: ReadonlyMap<TodoId, Uint8Array>): string {
  const rows = [...digests].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return bytesToHex(sha256(encode([name, rows])))
}

/** The state hash of a set of states, from scratch. */
export function stateHash(name: InterpretationName, states: Iterable<TodoState>): string {
  return combineDigests(name, new Map([...states].map((t) => [t.id, todoDigest(t)])))
}
