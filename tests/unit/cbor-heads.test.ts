/**
 * CBOR heads (shared/cbor-heads.ts), the shared part of the hand-written CBOR fast paths:
 * a head is written as cborg writes it, read back only in that shortest form, and a
 * reader never reads past the end.
 */
import { describe, expect, it } from 'vitest'
import { encode } from 'cborg'
import { HeadReader, MAJOR_ARRAY, MAJOR_BYTES, MAJOR_TEXT, MAJOR_UINT, writeHead } from '../../shared/cbor-heads.ts'

const BOUNDARIES = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]

describe('writeHead', () => {
  it('writes an unsigned integer exactly as cborg does, at every length boundary', () => {
    for (const n of BOUNDARIES) {
      const out = new Uint8Array(9)
      const end = writeHead(out, 0, MAJOR_UINT, n)
      expect(Array.from(out.subarray(0, end)), String(n)).toEqual(Array.from(encode(n)))
    }
  })

  it('writes the head of a byte string, text and array as cborg does', () => {
    /** Bytes of the shortest head for `n` (cborg's, checked above for integers). */
    const headSize = (n: number) => encode(n).length
    for (const n of [0, 23, 24, 300]) {
      const out = new Uint8Array(9)
      expect(Array.from(out.subarray(0, writeHead(out, 0, MAJOR_BYTES, n)))).toEqual(Array.from(encode(new Uint8Array(n)).subarray(0, headSize(n))))
      expect(Array.from(out.subarray(0, writeHead(out, 0, MAJOR_TEXT, n)))).toEqual(Array.from(encode('a'.repeat(n)).subarray(0, headSize(n))))
      expect(Array.from(out.subarray(0, writeHead(out, 0, MAJOR_ARRAY, n)))).toEqual(Array.from(encode(new Array(n).fill(0)).subarray(0, headSize(n))))
    }
  })

  it('refuses what cborg would not write as an unsigned integer: negatives, fractions, unsafe integers', () => {
    for (const n of [-1, 1.5, 2 ** 53, NaN, '3']) expect(writeHead(new Uint8Array(9), 0, MAJOR_UINT, n)).toBe(-1)
  })
})

describe('HeadReader', () => {
  it('reads back every head writeHead writes, and ends right after it', () => {
    for (const n of BOUNDARIES) {
      const out = new Uint8Array(9)
      const end = writeHead(out, 0, MAJOR_ARRAY, n)
      const r = new HeadReader(out.subarray(0, end))
      expect(r.uint(MAJOR_ARRAY)).toBe(n)
      expect(r.atEnd()).toBe(true)
    }
  })

  it('answers -1 for a head of another major type, in a longer form than needed, reserved, or cut short', () => {
    expect(new HeadReader(Uint8Array.of(0x41)).uint(MAJOR_ARRAY)).toBe(-1) // a byte string, not an array
    expect(new HeadReader(Uint8Array.of(0x98, 0x05)).uint(MAJOR_ARRAY)).toBe(-1) // 5 fits in the head
    expect(new HeadReader(Uint8Array.of(0x99, 0x00, 0xff)).uint(MAJOR_ARRAY)).toBe(-1) // 255 fits in one byte
    expect(new HeadReader(Uint8Array.of(0x9f)).uint(MAJOR_ARRAY)).toBe(-1) // indefinite length
    expect(new HeadReader(Uint8Array.of(0x9a, 0x00, 0x01)).uint(MAJOR_ARRAY)).toBe(-1) // 4 bytes promised, 2 there
    expect(new HeadReader(Uint8Array.of(0x1b, 0x00, 0x20, 0, 0, 0, 0, 0, 0)).uint(MAJOR_UINT)).toBe(-1) // 2^53: a bigint
    expect(new HeadReader(new Uint8Array(0)).uint(MAJOR_UINT)).toBe(-1)
  })

  it('skips only bytes that are there, starting where it was told to', () => {
    const r = new HeadReader(Uint8Array.of(9, 9, 0x43, 1, 2, 3), 2)
    expect(r.uint(MAJOR_BYTES)).toBe(3)
    expect(r.skip(4)).toBe(false)
    expect(r.at).toBe(3)
    expect(r.skip(3)).toBe(true)
    expect(r.atEnd()).toBe(true)
  })
})
