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
import { encode, encodeInto } from 'cborg'
import { sha256 } from '@noble/hashes/sha2.js'
import { type TodoId, bytesToHex } from './ids.ts'
import { MAJOR_ARRAY, MAJOR_BYTES, writeHead, writeText } from './cbor-heads.ts'
import type { TodoState } from './todo-fold.ts'
import type { InterpretationName } from './interpretations/interpretation.ts'

/** Digest of one todo state (field order fixed here, not by object key order). */
export function todoDigest(t: TodoState): Uint8Array {
  return sha256(encodeReusing(todoFields(t)))
}

/** The CBOR that todoDigest hashes, as cborg's encode makes it: the definition. */
export function todoCbor(t: TodoState): Uint8Array {
  return encode(todoFields(t))
}

/** The value todoDigest encodes: the state's fields in a fixed order. */
function todoFields(t: TodoState): unknown[] {
  return [
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
  ]
}

/** Where todoDigest encodes; doubled when a state does not fit. */
let digestScratch = new Uint8Array(4096)

/**
 * cborg's encoding of `value` as a view of digestScratch, valid until the next call.
 * cborg's encodeInto writes the same bytes as encode into a buffer we keep; encode
 * allocates its chunks anew for each call, and in a Chromium CPU profile of a 100k-event
 * catch-up that allocation was the largest part of hashing the todos' states.
 */
function encodeReusing(value: unknown): Uint8Array {
  for (;;) {
    try {
      return digestScratch.subarray(0, encodeInto(value, digestScratch).written)
    } catch (err) {
      // cborg's error for a destination too small; anything else is a real error.
      if (!/destination buffer is too small/.test((err as Error).message)) throw err
      digestScratch = new Uint8Array(digestScratch.length * 2)
    }
  }
}

/** The CBOR that combineDigests hashes, as cborg encodes it: the definition. */
export function combinedCbor(name: InterpretationName, digests: ReadonlyMap<TodoId, Uint8Array>): Uint8Array {
  const rows = [...digests].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return encode([name, rows])
}

/**
 * Combines per-todo digests into the state hash: SHA-256 of combinedCbor(name, digests).
 *
 * The same bytes are written here straight into one buffer, reused from call to call,
 * rather than built by cborg: the log worker combines every todo's digest each time it
 * posts a state hash (8k todos: ~560 KB of CBOR), and in Chromium traces of a 100k-event
 * catch-up cborg's encode of it (its allocations and concatenation) cost the worker ~0.5 s.
 * The unit tests check the bytes against combinedCbor.
 */
export function combineDigests(name: InterpretationName, digests: ReadonlyMap<TodoId, Uint8Array>): string {
  return bytesToHex(sha256(writeCombined(name, digests)))
}

/** Grows to the largest combined encoding made so far; combineDigests hashes a view of it. */
let scratch = new Uint8Array(0)

/** combinedCbor's bytes, as a view of `scratch`. */
function writeCombined(name: InterpretationName, digests: ReadonlyMap<TodoId, Uint8Array>): Uint8Array {
  const ids = [...digests.keys()].sort() // code-unit order, as the `<` of combinedCbor
  // Room for each text is 9 + 3·length bytes (writeText), for each head 9.
  let size = 1 + 9 + 3 * name.length + 9
  for (const id of ids) size += 1 + 9 + 3 * id.length + 9 + digests.get(id)!.length
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2))
  const out = scratch
  let at = writeHead(out, 0, MAJOR_ARRAY, 2) // [name, rows]
  at = writeText(out, at, name)
  at = writeHead(out, at, MAJOR_ARRAY, ids.length)
  for (const id of ids) {
    at = writeHead(out, at, MAJOR_ARRAY, 2) // [todoId, digest]
    at = writeText(out, at, id)
    const digest = digests.get(id)!
    at = writeHead(out, at, MAJOR_BYTES, digest.length)
    out.set(digest, at)
    at += digest.length
  }
  return out.subarray(0, at)
}

/** The state hash of a set of states, from scratch. */
export function stateHash(name: InterpretationName, states: Iterable<TodoState>): string {
  return combineDigests(name, new Map([...states].map((t) => [t.id, todoDigest(t)])))
}
