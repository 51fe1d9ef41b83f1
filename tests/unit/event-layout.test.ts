/**
 * The in-place fast path of the event codec (shared/event-layout.ts) against cborg, the
 * definition of the canonical encoding (cborgEncode / cborgDecode in event-codec.ts):
 *
 *   1. encodeEventBody(b) is byte for byte cborg's encoding of b, for any body;
 *   2. one spelling per event: bytes are accepted only if they are exactly the canonical
 *      encoding of what they decode to, whatever head widths or number forms a peer picks;
 *   3. decodeEvent agrees with cborg's decode-validate-re-encode path on every input,
 *      canonical or not, including its rejection reasons;
 *   4. encoded bytes handed out are never overwritten by later encodes.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { sha256 } from '@noble/hashes/sha2.js'
import type { EventBody, EventValue } from '../../shared/event.ts'
import { cborgDecode, cborgEncode, decodeEvent, encodeEvent, encodeEventBody, eventIdOf, sealEvent } from '../../shared/event-codec.ts'
import { readLayout } from '../../shared/event-layout.ts'
import { type EventId, type ReplicaId, type TodoId, bytesToHex, hexToBytes } from '../../shared/ids.ts'
import { replica, todo } from '../helpers/fixtures.ts'

const RUNS = Number(process.env.LAYOUT_RUNS ?? 1000)

const hexId = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => bytesToHex(b))
/** Every width class of a CBOR argument, and the largest safe integer. */
const number = fc.oneof(
  fc.constantFrom(0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 1_700_000_000_000, Number.MAX_SAFE_INTEGER),
  fc.maxSafeNat(),
  fc.nat(100),
)
/** Any UTF-16 code units (lone surrogates included), or any code points (astral ones included). */
const anyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units)),
)
/** Strings without a leading U+FEFF: cborg's decoder drops one (see the test at the end). */
const noBom = anyString.filter((s) => !s.startsWith('\uFEFF'))
const value: fc.Arbitrary<EventValue> = fc.oneof(fc.constant(null), fc.boolean(), noBom)
/**
 * Strings UTF-8 can spell: a lone surrogate is written as U+FFFD (by cborg and TextEncoder
 * alike), so an event carrying one decodes to a different string under the same id.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const wellFormed = noBom.filter((s) => !LONE_SURROGATE.test(s))

/** Bodies in the layout, valid or not (unsorted parents, unknown types, lamport 0…). */
const body: fc.Arbitrary<EventBody> = fc.record({
  parents: fc.oneof(fc.array(hexId(32), { maxLength: 4 }), fc.array(hexId(32), { minLength: 20, maxLength: 70 })).map((p) => p as EventId[]),
  lamport: number,
  author: hexId(16).map((h) => h as ReplicaId),
  todo: hexId(16).map((h) => h as TodoId),
  type: fc.oneof(fc.constantFrom('create', 'set_content', 'add_to_list', 'complete', 'delete'), noBom),
  value,
  time: number,
})

/** Bodies that pass validateEventShape. */
const validBody: fc.Arbitrary<EventBody> = fc
  .record({
    parents: fc.uniqueArray(hexId(32), { maxLength: 5 }).map((p) => p.sort() as EventId[]),
    lamport: fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }),
    author: hexId(16).map((h) => h as ReplicaId),
    todo: hexId(16).map((h) => h as TodoId),
    type: fc.constantFrom('x-future', 'add_to_list'),
    value: fc.oneof(fc.constant(null), fc.boolean(), wellFormed.filter((s) => s.length <= 100)),
    time: number,
  })
  .map((b) => (b.parents.length === 0 ? { ...b, lamport: 1 } : b))
  .map((b) => (b.type === 'add_to_list' && typeof b.value !== 'string' ? { ...b, type: 'x-future' } : b))

const same = (a: Uint8Array, b: Uint8Array): void => {
  expect(bytesToHex(a)).toBe(bytesToHex(b))
}

describe('encodeEventBody', () => {
  it('writes exactly what cborg writes, for any body', () => {
    fc.assert(
      fc.property(body, (b) => {
        same(encodeEventBody(b), cborgEncode(b))
      }),
      { numRuns: RUNS },
    )
  })

  it('writes what cborg writes for bodies outside the layout too (uppercase or short ids, floats, negative numbers)', () => {
    const b: EventBody = { parents: [], lamport: 1, author: replica(1), todo: todo(1), type: 'create', value: null, time: 5 }
    for (const odd of [
      { author: 'AB'.repeat(16) as ReplicaId },
      { author: 'ab'.repeat(15) as ReplicaId },
      { lamport: 1.5 },
      { time: -1 },
      { time: 2 ** 60 },
      { parents: Array.from({ length: 300 }, (_, i) => i.toString(16).padStart(64, '0') as EventId) },
    ]) {
      same(encodeEventBody({ ...b, ...odd }), cborgEncode({ ...b, ...odd }))
    }
  })

  it('throws, as cborg’s path does, on ids that are not hex', () => {
    const b: EventBody = { parents: [], lamport: 1, author: replica(1), todo: 'zz'.repeat(16) as TodoId, type: 'create', value: null, time: 5 }
    expect(() => encodeEventBody(b)).toThrow(RangeError)
    expect(() => cborgEncode(b)).toThrow(RangeError)
  })

  it('hands out bytes that later encodes and seals never overwrite', () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 2, maxLength: 30 }), (bodies) => {
        const kept = bodies.map((b) => encodeEventBody(b))
        for (const b of bodies) sealEvent(b)
        for (const b of bodies) encodeEventBody(b)
        kept.forEach((bytes, i) => same(bytes, cborgEncode(bodies[i]!)))
      }),
      { numRuns: 200 },
    )
  })
})

describe('one spelling per event', () => {
  type Form = 'shortest' | 'wider' | 'float'
  /** A CBOR head of `major` with argument `n`, in the shortest form or `extra` width classes wider. */
  function head(major: number, n: number, extra: number): number[] {
    const widths = [n < 24 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 2 ** 32 ? 4 : 8, 1, 2, 4, 8]
    const shortestAt = [0, 1, 2, 4, 8].indexOf(widths[0]!)
    const width = [0, 1, 2, 4, 8][Math.min(4, shortestAt + extra)]!
    if (width === 0) return [major | n]
    const info = { 1: 24, 2: 25, 4: 26, 8: 27 }[width]!
    const bytes: number[] = []
    for (let i = width - 1; i >= 0; i--) bytes.push(Math.floor(n / 2 ** (8 * i)) % 256)
    return [major | info, ...bytes]
  }
  function float(n: number): number[] {
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, n)
    return [0xfb, ...new Uint8Array(view.buffer)]
  }
  const num = (n: number, form: Form, extra: number) => (form === 'float' ? float(n) : head(0x00, n, form === 'wider' ? extra : 0))
  const text = (s: string, extra: number) => {
    const utf8 = new TextEncoder().encode(s)
    return [...head(0x60, utf8.length, extra), ...utf8]
  }

  /** `b` spelled with the given head widths and number forms (all 'shortest'/0: the canonical bytes). */
  function spell(b: EventBody, f: { widen: number[]; lamport: Form; time: Form; version: Form }): Uint8Array {
    const w = (i: number) => f.widen[i % f.widen.length]!
    const out = [
      ...head(0x80, 8, w(0)),
      ...num(1, f.version, 1),
      ...head(0x80, b.parents.length, w(1)),
      ...b.parents.flatMap((p, i) => [...head(0x40, 32, w(2 + i)), ...hexToBytes(p)]),
      ...num(b.lamport, f.lamport, 1 + w(3)),
      ...head(0x40, 16, w(4)), ...hexToBytes(b.author),
      ...head(0x40, 16, w(5)), ...hexToBytes(b.todo),
      ...text(b.type, w(6)),
      ...(b.value === null ? [0xf6] : b.value === true ? [0xf5] : b.value === false ? [0xf4] : text(b.value, w(7))),
      ...num(b.time, f.time, 1 + w(8)),
    ]
    return new Uint8Array(out)
  }
  const forms = fc.record({
    widen: fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: 9, maxLength: 9 }),
    lamport: fc.constantFrom<Form>('shortest', 'shortest', 'wider', 'float'),
    time: fc.constantFrom<Form>('shortest', 'shortest', 'wider', 'float'),
    version: fc.constantFrom<Form>('shortest', 'shortest', 'shortest', 'wider', 'float'),
  })

  it('accepts the shortest spelling, as an event whose id is the SHA-256 of those bytes', () => {
    fc.assert(
      fc.property(validBody, (b) => {
        const bytes = spell(b, { widen: [0], lamport: 'shortest', time: 'shortest', version: 'shortest' })
        same(bytes, encodeEventBody(b))
        const d = decodeEvent(bytes)
        expect(d).toEqual({ type: 'ok', event: sealEvent(b) })
        expect(d.type === 'ok' && d.event.id).toBe(bytesToHex(sha256(bytes)))
      }),
      { numRuns: RUNS },
    )
  })

  it('rejects every other spelling of the same event: wider heads, floats for integers', () => {
    fc.assert(
      fc.property(validBody, forms, (b, f) => {
        const bytes = spell(b, f)
        // A "wider" head can still be the shortest one (a number that needs 8 bytes anyway).
        const canonical = bytesToHex(bytes) === bytesToHex(cborgEncode(b))
        const d = decodeEvent(bytes)
        expect(d.type).toBe(canonical ? 'ok' : 'rejected')
        expect(d).toEqual(cborgDecode(bytes))
      }),
      { numRuns: RUNS },
    )
  })

  it('rejects text that is not valid UTF-8 (which cborg would read as U+FFFD)', () => {
    const b: EventBody = { parents: [], lamport: 1, author: replica(1), todo: todo(1), type: 'x-future', value: 'ab', time: 5 }
    const bytes = encodeEventBody(b).slice()
    const at = bytes.indexOf(0x61) // 'a' of the value
    for (const bad of [[0xff], [0xc0], [0xed]]) {
      const spelled = new Uint8Array([...bytes.slice(0, at), bad[0]!, ...bytes.slice(at + 1)])
      expect(readLayout(spelled)).toBeNull()
      expect(decodeEvent(spelled)).toEqual({ type: 'rejected', reason: 'encoding is not canonical' })
    }
  })
})

describe('decodeEvent agrees with cborg’s decode, validate and re-encode', () => {
  /** Canonical bytes of a body, then a few random edits: flips, inserts, deletes, truncation. */
  const mutated = fc
    .tuple(body, fc.array(fc.tuple(fc.constantFrom('set', 'insert', 'delete', 'truncate'), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }))
    .map(([b, edits]) => {
      const bytes = [...encodeEventBody(b)]
      for (const [kind, where, byte] of edits) {
        const at = where % (bytes.length + 1)
        if (kind === 'set' && at < bytes.length) bytes[at] = byte
        if (kind === 'insert') bytes.splice(at, 0, byte)
        if (kind === 'delete') bytes.splice(at, 1)
        if (kind === 'truncate') bytes.length = at
      }
      return new Uint8Array(bytes)
    })

  it('on canonical encodings of any body, valid or not', () => {
    fc.assert(
      fc.property(body, (b) => {
        const bytes = encodeEventBody(b)
        expect(decodeEvent(bytes)).toEqual(cborgDecode(bytes))
      }),
      { numRuns: RUNS },
    )
  })

  it('on damaged encodings: same event or same reason, and anything accepted is canonical', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        expect(decodeEvent(bytes)).toEqual(cborgDecode(bytes))
        const read = readLayout(bytes)
        if (read !== null) same(cborgEncode(read), bytes)
      }),
      { numRuns: RUNS * 3 },
    )
  })

  it('encode → decode gives back the sealed event, whose id eventIdOf recomputes from the bytes', () => {
    fc.assert(
      fc.property(validBody, (b) => {
        const e = sealEvent(b)
        const bytes = encodeEvent(e)
        expect(decodeEvent(bytes)).toEqual({ type: 'ok', event: e })
        expect(eventIdOf(bytes)).toBe(e.id)
      }),
      { numRuns: RUNS },
    )
  })

  it('except that a string beginning with U+FEFF is kept: cborg’s decoder drops that BOM, so re-encoding could never match', () => {
    const b: EventBody = { parents: [], lamport: 1, author: replica(1), todo: todo(1), type: 'x-future', value: '\uFEFFbom', time: 5 }
    const bytes = encodeEventBody(b)
    same(bytes, cborgEncode(b))
    expect(decodeEvent(bytes)).toEqual({ type: 'ok', event: sealEvent(b) })
    expect(cborgDecode(bytes)).toEqual({ type: 'rejected', reason: 'encoding is not canonical' })
  })
})
