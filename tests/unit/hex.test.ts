/**
 * shared/hex.ts: what the ids of every event go through. Same answers as @noble/hashes'
 * helpers it replaced (lowercase out, either case in, RangeError on anything else), and
 * isLowerHex accepts exactly /^[0-9a-f]{length}$/.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as noble from '@noble/hashes/utils.js'
import { bytesToHex, hexToBytes, isLowerHex, writeHex } from '../../shared/hex.ts'

describe('bytesToHex', () => {
  it('spells bytes as noble does, for any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 10_000 }), (bytes) => {
        expect(bytesToHex(bytes)).toBe(noble.bytesToHex(bytes))
      }),
      { numRuns: 300 },
    )
  })

  it('spells a range of the bytes', () => {
    expect(bytesToHex(new Uint8Array([0x00, 0xab, 0xcd, 0xff]), 1, 3)).toBe('abcd')
    expect(bytesToHex(new Uint8Array([1, 2]), 1, 1)).toBe('')
  })
})

describe('hexToBytes', () => {
  it('reads either case', () => {
    expect([...hexToBytes('00aBcDfF')]).toEqual([0x00, 0xab, 0xcd, 0xff])
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.boolean(), (bytes, upper) => {
        const hex = noble.bytesToHex(bytes)
        expect(hexToBytes(upper ? hex.toUpperCase() : hex)).toEqual(bytes)
      }),
    )
  })

  it.each([
    ['odd length', 'abc'],
    ['a letter past f', 'ag'],
    ['a space', 'a '],
    ['a non-ASCII digit', '٣٣'],
    ['a char whose low 7 bits are a digit', '\u00b0\u00b0'],
    ['a char past 255 whose low byte is a digit', '\u0130\u0130'],
  ])('throws a RangeError on %s, as noble does', (_name, hex) => {
    expect(() => hexToBytes(hex)).toThrow(RangeError)
    expect(() => noble.hexToBytes(hex)).toThrow(RangeError)
  })

  it('writeHex reports failure instead of throwing', () => {
    const out = new Uint8Array(4)
    expect(writeHex('0102', out, 2)).toBe(true)
    expect([...out]).toEqual([0, 0, 1, 2])
    expect(writeHex('0x', out, 0)).toBe(false)
    expect(writeHex('012', out, 0)).toBe(false)
  })
})

describe('isLowerHex', () => {
  const pattern = (s: string, length: number) => new RegExp(`^[0-9a-f]{${length}}$`).test(s)

  it('accepts exactly lowercase hex of the given length', () => {
    expect(isLowerHex('0123456789abcdef', 16)).toBe(true)
    expect(isLowerHex('0123456789abcdef', 15)).toBe(false)
    expect(isLowerHex('0123456789ABCDEF', 16)).toBe(false)
    expect(isLowerHex('\u00b0'.repeat(4), 4)).toBe(false) // 0xb0 & 0x7f is '0'
    expect(isLowerHex('\u0161'.repeat(4), 4)).toBe(false) // 0x161 & 0x7f is 'a'
    expect(isLowerHex(42, 2)).toBe(false)
  })

  it('agrees with /^[0-9a-f]{n}$/ on any string', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEFgxz \u00b0\u00e1\u0130\u0161\uff10')
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 8 }).map((c) => c.join('')), fc.nat(8), (s, n) => {
        expect(isLowerHex(s, n)).toBe(pattern(s, n))
      }),
      { numRuns: 2000 },
    )
  })
})
