/**
 * Canonical binary encoding of events, and their content-derived ids.
 *
 *   body ──cborg (deterministic CBOR array)──▶ bytes ──SHA-256──▶ id
 *
 * The encoding is a fixed-position CBOR array, so there are no map-key-order questions:
 *   [version, parents: bytes[], lamport, author: bytes, todo: bytes, type, value, time]
 * Ids and replica/todo ids are raw bytes inside the encoding (hex in the core).
 * A peer cannot send a non-canonical spelling of an event and have it hash to a second
 * id: received bytes are accepted only if they are exactly the canonical encoding of
 * what they decode to, and the id is the SHA-256 of those very bytes.
 *
 * cborg defines the encoding and is used rather than a hand-rolled codec: it is strict
 * (rejects undefined, indefinite lengths, non-minimal integers) and deterministic.
 * Every valid event has one fixed layout inside that encoding, which event-layout.ts
 * writes and reads in place: that is the path events normally take, several times
 * faster than cborg's generic encoder and decoder plus a re-encode to check canonical
 * form. Anything outside the layout goes through cborg (`cborgEncode`, `cborgDecode`),
 * which also words every rejection; tests check the two paths agree byte for byte.
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
import { layoutBound, readLayout, writeLayout } from './event-layout.ts'

/** Upper bound on one encoded event; larger frames are rejected before decoding. */
export const MAX_ENCODED_EVENT_BYTES = 16 * 1024

export type DecodeResult = { type: 'ok'; event: TodoEvent } | { type: 'rejected'; reason: string }

/**
 * Canonical bytes of an event body (everything but the id). Usually a view into a shared
 * slab (see canonicalBytes): copy it before transferring its `.buffer`.
 */
export function encodeEventBody(body: EventBody): Uint8Array {
  return canonicalBytes(body, true)
}

/**
 * Encoded events are written into shared slabs and handed out as views, as Node's Buffer
 * pool does: allocating an ArrayBuffer per ~100-byte event cost more than encoding it.
 * A slab lives as long as any view into it, and views are short-lived (packed into frames).
 */
const SLAB_BYTES = 64 * 1024
let slab = new Uint8Array(SLAB_BYTES)
let slabAt = 0

/**
 * The canonical bytes of `body`. `keep` false: a view the next call overwrites, for
 * hashing in place.
 */
function canonicalBytes(body: EventBody, keep: boolean): Uint8Array {
  const bound = layoutBound(body)
  if (bound < 0) return cborgEncode(body)
  if (bound > slab.length - slabAt) {
    slab = new Uint8Array(Math.max(SLAB_BYTES, bound))
    slabAt = 0
  }
  const end = writeLayout(body, slab, slabAt)
  if (end < 0) return cborgEncode(body)
  const bytes = slab.subarray(slabAt, end)
  if (keep) slabAt = end
  return bytes
}

/**
 * One SHA-256 hasher, reset before each use by copying a pristine one into it
 * (`_cloneInto`, part of noble's Hash interface): the one-shot sha256(bytes) builds a
 * hasher, its block buffer and a DataView per call, which for a two-block event cost
 * nearly half as much again as the compression itself.
 */
const PRISTINE_SHA256 = sha256.create()
const hasher = sha256.create()
const digest = new Uint8Array(32)

/** The content-derived id of an encoded body. */
export function eventIdOf(encoded: Uint8Array): EventId {
  PRISTINE_SHA256._cloneInto(hasher)
  hasher.update(encoded)
  hasher.digestInto(digest)
  return bytesToHex(digest) as EventId
}

/** The id `body` will have: hashes the canonical bytes where they are written. */
function idOfBody(body: EventBody): EventId {
  return eventIdOf(canonicalBytes(body, false))
}

/** Builds a complete event (with its id) from a body. Does not validate. */
export function sealEvent(body: EventBody): TodoEvent {
  return { ...body, id: idOfBody(body) }
}

/** Decodes and shape-validates bytes received from anywhere; never throws. */
export function decodeEvent(bytes: Uint8Array): DecodeResult {
  if (bytes.byteLength > MAX_ENCODED_EVENT_BYTES) return { type: 'rejected', reason: 'event too large' }
  const body = readLayout(bytes)
  if (body === null) return cborgDecode(bytes)
  const shape = validateEventShape(body)
  if (shape.type === 'rejected') return shape
  // readLayout accepts only the canonical spelling of `body`, so `bytes` are what its id
  // hashes: no re-encoding needed to rule out a second spelling.
  const { parents, lamport, author, todo, type, value, time } = body
  return { type: 'ok', event: { parents, lamport, author, todo, type, value, time, id: eventIdOf(bytes) } }
}

/** Shape-validates an event that claims an id (from storage, a test, JSON) and recomputes the id. */
export function verifyEvent(event: TodoEvent): DecodeResult {
  const shape = validateEventShape(event)
  if (shape.type === 'rejected') return shape
  const id = idOfBody(event)
  if (id !== event.id) return { type: 'rejected', reason: `id does not match content (expected ${id})` }
  return { type: 'ok', event }
}

/** The canonical bytes to put on the wire for an event (a view into a shared slab, as encodeEventBody). */
export function encodeEvent(event: TodoEvent): Uint8Array {
  return encodeEventBody(event)
}

/** cborg's canonical encoding of a body: the definition the layout follows, used for what it does not cover. */
export function cborgEncode(body: EventBody): Uint8Array {
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

/**
 * Decodes with cborg, checks every field, and re-encodes to check the bytes were
 * canonical: the path of anything readLayout does not accept, and the source of every
 * decode rejection reason. Exported for tests that hold the fast path to it.
 */
export function cborgDecode(bytes: Uint8Array): DecodeResult {
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
  const canonical = cborgEncode(body)
  if (!sameBytes(canonical, bytes)) return { type: 'rejected', reason: 'encoding is not canonical' }
  return { type: 'ok', event: { ...body, id: eventIdOf(canonical) } }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}
