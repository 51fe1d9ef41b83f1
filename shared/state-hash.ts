/**
 * The state hash: SHA-256 of the canonical encoding of every todo state of one
 * interpretation, sorted by todo id. Peers holding the same events under the same
 * interpretation get the same hash — a one-line convergence check for tests and UI.
 */
import { encode } from 'cborg'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from './ids.ts'
import type { TodoState } from './todo-fold.ts'
import type { InterpretationName } from './interpretations/interpretation.ts'

/** Canonical bytes of a set of todo states (field order fixed here, not by objects). */
export function encodeStates(name: InterpretationName, states: Iterable<TodoState>): Uint8Array {
  const rows = [...states]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((t) => [
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
    ])
  return encode([name, rows])
}

export function stateHash(name: InterpretationName, states: Iterable<TodoState>): string {
  return bytesToHex(sha256(encodeStates(name, states)))
}
