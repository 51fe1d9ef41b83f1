/**
 * CBOR heads (a major type and its argument: an integer, or the length of what follows)
 * in their shortest form, and text strings, written and read in place. The shared part of the hand-written
 * fast paths that keep cborg as the definition and are tested byte for byte against it:
 * event-layout.ts (event bodies), sync/messages.ts (events frames), state-hash.ts (the
 * combined hash).
 *
 *   argument < 24        one byte:  major | n
 *   < 2^8 / 2^16 / 2^32  major | 24 / 25 / 26, then 1 / 2 / 4 bytes, big-endian
 *   ≤ 2^53 − 1           major | 27, then 8 bytes (larger: cborg's bigints, not read here)
 *
 * Deterministic (and strict) CBOR allows only the shortest form, so a reader that accepts
 * only it accepts one spelling per value, as cborg's strict decoder does.
 */

/** Major types, already shifted into a head's top three bits. */
export const MAJOR_UINT = 0x00
export const MAJOR_BYTES = 0x40
export const MAJOR_TEXT = 0x60
export const MAJOR_ARRAY = 0x80

/**
 * A head of `major` with argument `n` in the shortest form, at `at`; the next position,
 * or -1 when `n` is not a safe non-negative integer (cborg writes those as floats or
 * negative integers).
 */
export function writeHead(out: Uint8Array, at: number, major: number, n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return -1
  if (n < 24) {
    out[at] = major | n
    return at + 1
  }
  if (n < 0x100) {
    out[at] = major | 24
    out[at + 1] = n
    return at + 2
  }
  if (n < 0x10000) {
    out[at] = major | 25
    out[at + 1] = n >>> 8
    out[at + 2] = n & 0xff
    return at + 3
  }
  if (n < 0x100000000) {
    out[at] = major | 26
    writeUint32(out, at + 1, n)
    return at + 5
  }
  out[at] = major | 27
  writeUint32(out, at + 1, Math.floor(n / 0x100000000))
  writeUint32(out, at + 5, n >>> 0)
  return at + 9
}

const utf8Encoder = new TextEncoder()

/** `s` as a CBOR text string at `at` (the buffer has room for 9 + 3·length bytes); the next position. */
export function writeText(out: Uint8Array, at: number, s: string): number {
  const len = s.length
  const start = writeHead(out, at, MAJOR_TEXT, len)
  // ASCII, the usual case: one byte per UTF-16 unit, so the length header is already right.
  let i = 0
  for (; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) break
    out[start + i] = c
  }
  if (i === len) return start + len
  // UTF-8 exactly as cborg writes it (TextEncoder's: lone surrogates become U+FFFD).
  const utf8 = utf8Encoder.encode(s)
  const body = writeHead(out, at, MAJOR_TEXT, utf8.length)
  out.set(utf8, body)
  return body + utf8.length
}

/** A cursor over `bytes` whose reads answer -1 past the end or off the expected shape. */
export class HeadReader {
  readonly bytes: Uint8Array
  /** The position of the next unread byte. */
  protected pos: number

  constructor(bytes: Uint8Array, at = 0) {
    this.bytes = bytes
    this.pos = at
  }

  get at(): number {
    return this.pos
  }

  atEnd(): boolean {
    return this.pos === this.bytes.length
  }

  peek(): number {
    return this.pos < this.bytes.length ? this.bytes[this.pos]! : -1
  }

  byte(): number {
    return this.pos < this.bytes.length ? this.bytes[this.pos++]! : -1
  }

  /** Moves past `n` bytes; false, without moving, when fewer remain. */
  skip(n: number): boolean {
    if (this.pos + n > this.bytes.length) return false
    this.pos += n
    return true
  }

  /** The argument of a head of `major`, if written in its shortest form and ≤ 2^53 − 1; else -1. */
  uint(major: number): number {
    const b = this.byte()
    if (b < 0 || (b & 0xe0) !== major) return -1
    const info = b & 0x1f
    if (info < 24) return info
    const bytes = this.bytes
    const at = this.pos
    let n: number
    let min: number
    if (info === 24) {
      if (at + 1 > bytes.length) return -1
      n = bytes[at]!
      min = 24
      this.pos = at + 1
    } else if (info === 25) {
      if (at + 2 > bytes.length) return -1
      n = (bytes[at]! << 8) | bytes[at + 1]!
      min = 0x100
      this.pos = at + 2
    } else if (info === 26) {
      if (at + 4 > bytes.length) return -1
      n = readUint32(bytes, at)
      min = 0x10000
      this.pos = at + 4
    } else if (info === 27) {
      if (at + 8 > bytes.length) return -1
      const hi = readUint32(bytes, at)
      // Above 2^53 − 1 cborg decodes a bigint: not a value these paths read.
      if (hi > 0x1fffff) return -1
      n = hi * 0x100000000 + readUint32(bytes, at + 4)
      min = 0x100000000
      this.pos = at + 8
    } else {
      return -1 // reserved or indefinite
    }
    return n >= min ? n : -1
  }
}

function writeUint32(out: Uint8Array, at: number, n: number): void {
  out[at] = n >>> 24
  out[at + 1] = (n >>> 16) & 0xff
  out[at + 2] = (n >>> 8) & 0xff
  out[at + 3] = n & 0xff
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) >>> 0) + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)
}
