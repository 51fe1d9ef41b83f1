/**
 * Canonical binary encoding of events, and their content-derived ids.
 *
 *   body ──cborg (deterministic CBOR array)──▶ bytes ──SHA-256──▶ id
 *
 * The encoding is a fixed-position CBOR array, so there are no map-key-order questions:
 *   [version, parents: bytes[], lamport, author: bytes, todo: bytes, type, value, time]
 * Ids and replica/todo ids are raw bytes inside the encoding (hex in the core).
 * A decoded frame is re-encoded and must match byte for byte: a peer cannot send a
 * non-canonical spelling of an event and have it hash to a second id.
 *
 * cborg is used rather than a hand-rolled codec: it is strict by default (rejects
 * undefined, indefinite lengths, duplicate keys on request) and deterministic.
 * @noble/hashes' SHA-256 is synchronous, audited, and ~10x faster per event than
 * awaiting WebCrypto once per event.
 */
import { decode, encode } from 'cborg'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  type EventId,
  type ReplicaId,
  type TodoId,
  bytesToHex,
  hexToBytes,
} from './ids.ts'
import { EVENT_FORMAT_VERSION, type EventBody, type TodoEvent, validateEventShape } from './event.ts'

/** Upper bound on one encoded event; larger frames are rejected before decoding. */
export const MAX_ENCODED_EVENT_BYTES = 16 * 1024

export type DecodeResult = { type: 'ok'; event: TodoEvent } | { type: 'rejected'; reason: string }

/** Canonical bytes of an event body (everything but the id). */
export function encodeEventBody(body: EventBody): Uint8Array {
  return encode([
    EVENT_FORMAT_VERSION,
    body.parents.map((p) => hexToBytes(p)),
    body.lamport,
    hexToBytes(body.author),
    hexToBytes(body.todo),
    body.type,
    body.value,
    body.time,
  ])
}

/** The content-derived id of an encoded body. */
export function eventIdOf(encoded: Uint8Array): EventId {
  return bytesToHex(sha256(encoded)) as EventId
}

/** Builds a complete event (with its id) from a body. Does not validate. */
export function sealEvent(body: EventBody): TodoEvent {
  return { ...body, id: eventIdOf(encodeEventBody(body)) }
}

/** Decodes and shape-validates bytes received from anywhere; never throws. */
export function decodeEvent(bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength > MAX_ENCODED_EVENT_BYTES) return { type: 'rejected', reason: 'event too large' }
  let raw: unknown
  try {
    raw = decode(bytes, { strict: true, allowUndefined: false, allowIndefinite: false })
  } catch (err) {
    return { type: 'rejected', reason: `not CBOR: ${(err as Error).message}` }
  }
  if (!Array.isArray(raw) || raw.length !== 8) return { type: 'rejected', reason: 'not an 8-field event array' }
  const [version, parents, lamport, author, todo, type, value, time] = raw as unknown[]
  if (version !== EVENT_FORMAT_VERSION) return { type: 'rejected', reason: `unsupported event format ${String(version)}` }
  if (!Array.isArray(parents) || !parents.every((p) => p instanceof Uint8Array)) {
    return { type: 'rejected', reason: 'parents are not byte strings' }
  }
  if (!(author instanceof Uint8Array) || !(todo instanceof Uint8Array)) {
    return { type: 'rejected', reason: 'author or todo is not a byte string' }
  }
  if (typeof value !== 'string' && typeof value !== 'boolean' && value !== null) {
    return { type: 'rejected', reason: 'value is not a string, boolean or null' }
  }
  const body: EventBody = {
    parents: (parents as Uint8Array[]).map((p) => bytesToHex(p) as EventId),
    lamport: lamport as number,
    author: bytesToHex(author) as ReplicaId,
    todo: bytesToHex(todo) as TodoId,
    type: type as string,
    value,
    time: time as number,
  }
  const shape = validateEventShape(body)
  if (shape.type === 'rejected') return shape
  const canonical = encodeEventBody(body)
  if (!sameBytes(canonical, bytes)) return { type: 'rejected', reason: 'encoding is not canonical' }
  return { type: 'ok', event: { ...body, id: eventIdOf(canonical) } }
}

/** Shape-validates an event that claims an id (from storage, a test, JSON) and recomputes the id. */
export function verifyEvent(event: TodoEvent): DecodeResult {
  const shape = validateEventShape(event)
  if (shape.type === 'rejected') return shape
  const id = eventIdOf(encodeEventBody(event))
  if (id !== event.id) return { type: 'rejected', reason: `id does not match content (expected ${id})` }
  return { type: 'ok', event }
}

/** The canonical bytes to put on the wire for an event. */
export function encodeEvent(event: TodoEvent): Uint8Array {
  return encodeEventBody(event)
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
