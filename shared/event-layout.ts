/**
 * The canonical encoding of an event body, written and read in place: the fast path of
 * event-codec.ts, which keeps cborg as the definition and the fallback.
 *
 * cborg's deterministic encoding of [version, parents, lamport, author, todo, type,
 * value, time] is, for every body that can be valid, this fixed layout:
 *
 *   88                        array(8)
 *   <uint>                    version (01)
 *   80+n | 98 n               parents: array(n ≤ 255) of
 *     58 20 <32 bytes>          byte string(32)
 *   <uint>                    lamport
 *   50 <16 bytes>             author: byte string(16)
 *   50 <16 bytes>             todo: byte string(16)
 *   <text>                    type
 *   f4 | f5 | f6 | <text>     value: false | true | null | a string
 *   <uint>                    time
 *
 *   <uint>  major type 0 with the shortest argument: 00–17, 18 xx, 19 xxxx, 1a x⁴, 1b x⁸ (≤ 2^53 − 1)
 *   <text>  major type 3 with the shortest length argument, then the string as UTF-8
 *
 * Both directions answer -1 / null for anything outside the layout (an id that is not
 * hex of the right length, a float, a huge parent list, a non-minimal length, a map,
 * trailing bytes…); event-codec.ts then uses cborg, which also words every rejection.
 * Invariants, checked against cborg by tests/unit/event-layout.test.ts:
 *   1. writeLayout(b), when not -1, writes byte for byte cborg's encoding of b.
 *   2. readLayout(x) = b only when x is exactly what writeLayout(b) writes: one accepted
 *      spelling per body, so a peer cannot make the same event hash to a second id.
 * Why not cborg alone: encoding, then decoding and re-encoding to check canonical form,
 * through cborg's generic value walk and hex via intermediate arrays, made encode + hash
 * + validate about 4x slower per event than this (npm run bench -- core).
 */
import { EVENT_FORMAT_VERSION, type EventBody, type EventValue } from './event.ts'
import { EVENT_ID_BYTES, type EventId, REPLICA_ID_BYTES, type ReplicaId, TODO_ID_BYTES, type TodoId } from './ids.ts'
import { bytesToHex, writeHex } from './hex.ts'
import { HeadReader, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_TEXT, MAJOR_UINT, writeHead, writeText } from './cbor-heads.ts'

const ARRAY_8 = 0x88
const FALSE = 0xf4
const TRUE = 0xf5
const NULL = 0xf6
/** Byte string heads: 32 needs a one-byte argument after the head (58 20), 16 fits in it (50). */
const EVENT_ID_HEAD = MAJOR_BYTES | 24
const SHORT_ID_HEAD = MAJOR_BYTES | 16
const MAX_LAYOUT_PARENTS = 255

/** fatal: invalid UTF-8 has no canonical spelling; ignoreBOM: a leading U+FEFF is content. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Room `writeLayout` may need for `body`, or -1 when `body` is plainly outside the layout:
 * 74 bytes of heads, short ids and numbers, 34 per parent, and at most 3 UTF-8 bytes per
 * UTF-16 unit of the strings.
 */
export function layoutBound(body: EventBody): number {
  const { parents, type, value } = body
  if (!Array.isArray(parents) || parents.length > MAX_LAYOUT_PARENTS || typeof type !== 'string') return -1
  const valueChars = typeof value === 'string' ? value.length : 0
  return 80 + 34 * parents.length + 3 * (type.length + valueChars)
}

/**
 * Writes the canonical bytes of `body` into `out` from `at` (which has layoutBound(body)
 * bytes of room); returns where they end, or -1 when `body` is outside the layout.
 */
export function writeLayout(body: EventBody, out: Uint8Array, at: number): number {
  const { parents, type, value } = body
  out[at++] = ARRAY_8
  at = writeHead(out, at, MAJOR_UINT, EVENT_FORMAT_VERSION)
  const n = parents.length
  at = writeHead(out, at, MAJOR_ARRAY, n)
  for (let i = 0; i < n; i++) {
    const p = parents[i]
    if (typeof p !== 'string' || p.length !== 2 * EVENT_ID_BYTES) return -1
    out[at] = EVENT_ID_HEAD
    out[at + 1] = EVENT_ID_BYTES
    if (!writeHex(p, out, at + 2)) return -1
    at += 2 + EVENT_ID_BYTES
  }
  at = writeHead(out, at, MAJOR_UINT, body.lamport)
  if (at < 0) return -1
  at = writeShortId(out, at, body.author, REPLICA_ID_BYTES)
  if (at < 0) return -1
  at = writeShortId(out, at, body.todo, TODO_ID_BYTES)
  if (at < 0) return -1
  at = writeText(out, at, type)
  if (value === null) out[at++] = NULL
  else if (value === true) out[at++] = TRUE
  else if (value === false) out[at++] = FALSE
  else if (typeof value === 'string') at = writeText(out, at, value)
  else return -1
  return writeHead(out, at, MAJOR_UINT, body.time)
}

/** A 16-byte id as a byte string at `at`; the next position, or -1. */
function writeShortId(out: Uint8Array, at: number, hex: unknown, bytes: number): number {
  if (typeof hex !== 'string' || hex.length !== 2 * bytes) return -1
  out[at] = SHORT_ID_HEAD
  return writeHex(hex, out, at + 1) ? at + 1 + bytes : -1
}

/**
 * The body whose canonical encoding is exactly `bytes`, or null when `bytes` is anything
 * else (including every malformed, non-canonical or out-of-layout input).
 */
export function readLayout(bytes: Uint8Array): EventBody | null {
  const r = new Reader(bytes)
  if (r.byte() !== ARRAY_8) return null
  if (r.uint(MAJOR_UINT) !== EVENT_FORMAT_VERSION) return null
  const n = r.uint(MAJOR_ARRAY)
  if (n < 0 || n > MAX_LAYOUT_PARENTS) return null
  const parents: EventId[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const p = r.id(EVENT_ID_BYTES)
    if (p === null) return null
    parents[i] = p as EventId
  }
  const lamport = r.uint(MAJOR_UINT)
  const author = r.id(REPLICA_ID_BYTES)
  const todo = r.id(TODO_ID_BYTES)
  if (lamport < 0 || author === null || todo === null) return null
  const type = r.text()
  if (type === null) return null
  let value: EventValue
  const head = r.peek()
  if (head === NULL || head === TRUE || head === FALSE) {
    r.byte()
    value = head === NULL ? null : head === TRUE
  } else {
    value = r.text()
    if (value === null) return null
  }
  const time = r.uint(MAJOR_UINT)
  if (time < 0 || !r.atEnd()) return null
  return { parents, lamport, author: author as ReplicaId, todo: todo as TodoId, type, value, time }
}

/** HeadReader plus the layout's ids and strings, which answer null past the end or off the layout. */
class Reader extends HeadReader {
  /** A byte string of exactly `size` bytes (size < 24 or 32) as hex, or null. */
  id(size: number): string | null {
    const len = this.uint(MAJOR_BYTES)
    if (len !== size) return null
    const at = this.pos
    if (!this.skip(size)) return null
    return bytesToHex(this.bytes, at, at + size)
  }

  /** A text string that is valid UTF-8, or null. */
  text(): string | null {
    const len = this.uint(MAJOR_TEXT)
    if (len < 0) return null
    const bytes = this.bytes
    const start = this.pos
    const end = start + len
    if (!this.skip(len)) return null
    let s = ''
    for (let i = start; i < end; i++) {
      const c = bytes[i]!
      if (c >= 0x80) {
        try {
          return utf8Decoder.decode(bytes.subarray(start, end))
        } catch {
          return null // not UTF-8: no string has this spelling; cborg words the rejection
        }
      }
      s += String.fromCharCode(c)
    }
    return s
  }
}

