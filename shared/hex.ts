/**
 * Lowercase hex <-> bytes, on the hot paths of the core (every id of every event is
 * converted once per decode and once per encode, and every id read from SQLite).
 *
 * Why not @noble/hashes' helpers: they check arguments generically and build strings by
 * concatenation; these use lookup tables and write into caller-owned buffers, which is
 * what lets an event be encoded with no allocation per id. Where the platform has
 * Uint8Array.prototype.toHex (recent browsers) it is no faster for 16–32 bytes.
 *
 * Semantics match the noble helpers these replace: output is lowercase; input may be
 * either case; anything but even-length hex throws a RangeError.
 */

/** Char codes of the two hex digits of every byte: PAIRS[2b], PAIRS[2b + 1]. */
const PAIRS = new Uint8Array(512)
/** Value of a hex digit by char code, or 0xff for anything else. */
const NIBBLE = new Uint8Array(256).fill(0xff)
const DIGITS = '0123456789abcdef'
for (let b = 0; b < 256; b++) {
  PAIRS[2 * b] = DIGITS.charCodeAt(b >> 4)
  PAIRS[2 * b + 1] = DIGITS.charCodeAt(b & 15)
}
for (let v = 0; v < 16; v++) {
  NIBBLE[DIGITS.charCodeAt(v)] = v
  NIBBLE[DIGITS.toUpperCase().charCodeAt(v)] = v
}

/**
 * Char codes of one conversion, one reused array per length (ids come in two lengths):
 * String.fromCharCode.apply on a plain array measured the fastest way to a flat string.
 */
const codesByLength: number[][] = []

/** `bytes[start, end)` as lowercase hex. */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start
  // Long inputs go through chunks: apply() has an argument-count limit.
  if (n > 4096) {
    let out = ''
    for (let at = start; at < end; at += 4096) out += bytesToHex(bytes, at, Math.min(end, at + 4096))
    return out
  }
  const codes = (codesByLength[n] ??= new Array<number>(2 * n).fill(0))
  for (let i = 0; i < n; i++) {
    const b = bytes[start + i]! << 1
    codes[2 * i] = PAIRS[b]!
    codes[2 * i + 1] = PAIRS[b + 1]!
  }
  return String.fromCharCode.apply(null, codes)
}

/**
 * Writes the bytes `hex` spells into `out` at `at`. Returns false (having written part of
 * it, perhaps) when `hex` is not even-length hex; never throws.
 */
export function writeHex(hex: string, out: Uint8Array, at: number): boolean {
  const len = hex.length
  if (len % 2 !== 0) return false
  for (let i = 0; i < len; i += 2) {
    const hi = hex.charCodeAt(i)
    const lo = hex.charCodeAt(i + 1)
    // Char codes above 255 would index past the table: they are never hex.
    const h = hi < 256 ? NIBBLE[hi]! : 0xff
    const l = lo < 256 ? NIBBLE[lo]! : 0xff
    if (h > 15 || l > 15) return false
    out[at + (i >> 1)] = (h << 4) | l
  }
  return true
}

/** The bytes `hex` spells; throws a RangeError on anything but even-length hex (either case). */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`hex string expected, got ${typeof hex}`)
  const out = new Uint8Array(hex.length >> 1)
  if (!writeHex(hex, out, 0)) throw new RangeError(`hex string expected, got ${JSON.stringify(hex.slice(0, 80))}`)
  return out
}

/** 1 for the char codes of '0'–'9' and 'a'–'f', else 0. */
const LOWER_HEX = new Uint8Array(128)
for (let v = 0; v < 16; v++) LOWER_HEX[DIGITS.charCodeAt(v)] = 1

/** True when `s` is a string of exactly `length` lowercase hex digits. */
export function isLowerHex(s: unknown, length: number): s is string {
  if (typeof s !== 'string' || s.length !== length) return false
  // No branch per character: this runs on every id of every event, and a per-character
  // early exit measured twice as slow as accumulating and deciding once.
  let ok = 1
  let high = 0
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i)
    ok &= LOWER_HEX[c & 0x7f]!
    high |= c
  }
  return ok === 1 && high < 0x80
}
