/**
 * Sync message codec (shared/sync/messages.ts): every message type survives
 * encode → parse, and every malformed frame is rejected with its reason, never thrown.
 */
import { describe, expect, it } from 'vitest'
import { decode, encode } from 'cborg'
import fc from 'fast-check'
import {
  MAX_CLOCK_ENTRIES,
  MAX_FRAME_BYTES,
  MAX_HELLO_HEADS,
  MAX_IDS_PER_WANT,
  PROTOCOL_VERSION,
  type SyncMessage,
  TAG,
  authorKey,
  catchUpTotal,
  encodeMessage,
  packEvents,
  parseMessage,
} from '../../shared/sync/messages.ts'
import { decodeEvent, encodeEvent } from '../../shared/event-codec.ts'
import { type EventId, type ReplicaId, type RoomId, hexToBytes } from '../../shared/ids.ts'
import { chain, ev, replica } from '../helpers/fixtures.ts'

const ROOM = 'a1'.repeat(16) as RoomId
const e1 = ev([], { type: 'create' })
const e2a = ev([e1], { type: 'set_content', value: 'buy milk' })
const e2b = ev([e1], { author: replica(2), type: 'add_to_list', value: 'home' })

const V = PROTOCOL_VERSION
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill)
const rid = (n: number) => hexToBytes(replica(n))
const akey = (n: number) => hexToBytes(authorKey(replica(n)))
const roomBytes = hexToBytes(ROOM)
const eid = (e: { id: EventId }) => hexToBytes(e.id)

function roundTrip(m: SyncMessage): SyncMessage {
  const parsed = parseMessage(encodeMessage(m))
  if (parsed.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(parsed)}`)
  return parsed.message
}

function rejection(raw: unknown): string {
  const parsed = parseMessage(encode(raw))
  return parsed.type === 'rejected' ? parsed.reason : `not rejected: ${parsed.type}`
}

describe('sync messages: encode → parse round trips', () => {
  it('hello keeps replica, room, every clock entry and the heads', () => {
    const m: SyncMessage = {
      type: 'hello',
      replica: replica(7),
      room: ROOM,
      clock: new Map([
        [authorKey(replica(1)), 2],
        [authorKey(replica(2)), Number.MAX_SAFE_INTEGER],
      ]),
      heads: [e2a.id, e2b.id],
    }
    expect(roundTrip(m)).toEqual(m)
  })

  it('hello of an empty replica: empty clock, no heads', () => {
    const m: SyncMessage = { type: 'hello', replica: replica(7), room: ROOM, clock: new Map(), heads: [] }
    expect(roundTrip(m)).toEqual(m)
  })

  it('hello names at most MAX_HELLO_HEADS heads, so what we send always parses', () => {
    const heads = Array.from({ length: MAX_HELLO_HEADS + 10 }, (_, i) => i.toString(16).padStart(64, '0') as EventId)
    const got = roundTrip({ type: 'hello', replica: replica(7), room: ROOM, clock: new Map(), heads })
    expect(got.type === 'hello' && got.heads).toEqual(heads.slice(0, MAX_HELLO_HEADS))
  })

  it('catch-up keeps its total, zero included', () => {
    expect(roundTrip({ type: 'catch-up', total: 0 })).toEqual({ type: 'catch-up', total: 0 })
    expect(roundTrip({ type: 'catch-up', total: 100_000 })).toEqual({ type: 'catch-up', total: 100_000 })
  })

  it('events carry canonical event bytes that decode to the same events', () => {
    const got = roundTrip({ type: 'events', events: [e1, e2a, e2b].map(encodeEvent) })
    expect(got.type).toBe('events')
    const decoded = (got as { events: Uint8Array[] }).events.map((b) => decodeEvent(b))
    expect(decoded).toEqual([e1, e2a, e2b].map((event) => ({ type: 'ok', event })))
  })

  it('want keeps its ids in order; an empty want is valid', () => {
    expect(roundTrip({ type: 'want', ids: [e2b.id, e1.id] })).toEqual({ type: 'want', ids: [e2b.id, e1.id] })
    expect(roundTrip({ type: 'want', ids: [] })).toEqual({ type: 'want', ids: [] })
  })

  it('refuse keeps its reason, cut to 500 characters', () => {
    expect(roundTrip({ type: 'refuse', reason: 'wrong room' })).toEqual({ type: 'refuse', reason: 'wrong room' })
    const long = roundTrip({ type: 'refuse', reason: 'x'.repeat(2000) })
    expect(long.type === 'refuse' && long.reason.length).toBe(500)
  })

  it('ack keeps its count of received events', () => {
    expect(roundTrip({ type: 'ack', received: 0 })).toEqual({ type: 'ack', received: 0 })
    expect(roundTrip({ type: 'ack', received: 123_456 })).toEqual({ type: 'ack', received: 123_456 })
  })

  it('every frame is a CBOR array starting with PROTOCOL_VERSION and a one-byte tag', () => {
    const all: SyncMessage[] = [
      { type: 'hello', replica: replica(7), room: ROOM, clock: new Map(), heads: [] },
      { type: 'catch-up', total: 1 },
      { type: 'events', events: [] },
      { type: 'want', ids: [] },
      { type: 'refuse', reason: '' },
      { type: 'ack', received: 5 },
    ]
    for (const m of all) {
      const frame = encodeMessage(m)
      expect(frame[0]! >> 5).toBe(4) // CBOR major type 4: array
      expect(frame[1]).toBe(V)
    }
  })
})

describe('sync messages: rejections', () => {
  it('a frame from another protocol version is a version mismatch, whatever follows', () => {
    expect(parseMessage(encode([V + 1, TAG.hello]))).toEqual({ type: 'version-mismatch', version: V + 1 })
    expect(parseMessage(encode([0, TAG.events, []]))).toEqual({ type: 'version-mismatch', version: 0 })
    expect(parseMessage(encode([String(V), TAG.want, []]))).toEqual({ type: 'version-mismatch', version: String(V) })
    // A version-1 peer's hello (text tags, whole author ids) is named as such, not misread.
    expect(parseMessage(encode([1, 'hello', rid(7), roomBytes, [[rid(1), 3]], []]))).toEqual({ type: 'version-mismatch', version: 1 })
  })

  it('bytes that are not strict CBOR are rejected as such', () => {
    expect(parseMessage(new Uint8Array([0xff, 0x00]))).toMatchObject({ type: 'rejected', reason: expect.stringMatching(/^not CBOR/) })
    // Indefinite-length array (0x9f … 0xff): not allowed, there is one spelling per message.
    expect(parseMessage(new Uint8Array([0x9f, 0x01, 0xff]))).toMatchObject({ reason: expect.stringMatching(/^not CBOR/) })
    expect(parseMessage(new Uint8Array([]))).toMatchObject({ reason: expect.stringMatching(/^not CBOR/) })
  })

  it('CBOR that is not a message array is rejected', () => {
    expect(rejection({ v: 1 })).toBe('not a message array')
    expect(rejection([V])).toBe('not a message array')
    expect(rejection('hello')).toBe('not a message array')
  })

  it('an unknown tag is rejected and named (cut short)', () => {
    expect(rejection([V, 'gossip', []])).toBe('unknown message type "gossip"')
    expect(rejection([V, 'x'.repeat(100)]).length).toBeLessThan(70)
  })

  it('an oversize frame is rejected before it is decoded', () => {
    const frame = encodeMessage({ type: 'events', events: [bytes(MAX_FRAME_BYTES)] })
    expect(parseMessage(frame)).toEqual({ type: 'rejected', reason: `frame of ${frame.byteLength} bytes exceeds limit` })
    // Exactly at the limit is fine.
    const fits = encodeMessage({ type: 'events', events: [bytes(MAX_FRAME_BYTES - 16)] })
    const padded = encodeMessage({ type: 'events', events: [bytes(MAX_FRAME_BYTES - 16 - (fits.byteLength - MAX_FRAME_BYTES))] })
    expect(padded.byteLength).toBe(MAX_FRAME_BYTES)
    expect(parseMessage(padded).type).toBe('ok')
  })

  it.each([
    ['a field missing', [V, TAG.hello, rid(7), roomBytes, []]],
    ['an extra field', [V, TAG.hello, rid(7), roomBytes, [], [], 'extra']],
    ['a 15-byte replica id', [V, TAG.hello, bytes(15), roomBytes, [], []]],
    ['a replica id as hex text', [V, TAG.hello, replica(7), roomBytes, [], []]],
    ['a 17-byte room id', [V, TAG.hello, rid(7), bytes(17), [], []]],
  ])('a hello with %s is a malformed hello', (_, raw) => {
    expect(rejection(raw)).toBe('malformed hello')
  })

  it('a hello whose clock is not a list is a malformed clock', () => {
    expect(rejection([V, TAG.hello, rid(7), roomBytes, { a: 1 }, []])).toBe('malformed clock')
    expect(rejection([V, TAG.hello, rid(7), roomBytes, null, []])).toBe('malformed clock')
  })

  it.each([
    ['not a pair', [akey(1)]],
    ['three fields', [akey(1), 1, 1]],
    ['a 7-byte author key', [bytes(7), 1]],
    ['a whole replica id instead of its key', [rid(1), 1]],
    ['lamport 0', [akey(1), 0]],
    ['a negative lamport', [akey(1), -3]],
    ['a fractional lamport', [akey(1), 1.5]],
    ['a lamport beyond 2^53', [akey(1), 2 ** 53]],
    ['a lamport as text', [akey(1), '1']],
  ])('a clock entry with %s is a malformed clock entry', (_, entry) => {
    expect(rejection([V, TAG.hello, rid(7), roomBytes, [[akey(2), 4], entry], []])).toBe('malformed clock entry')
  })

  it.each([
    ['not a list', eid(e1)],
    ['a 31-byte head', [bytes(31)]],
    ['a head as hex text', [e1.id]],
    ['more than MAX_HELLO_HEADS heads', Array.from({ length: MAX_HELLO_HEADS + 1 }, () => eid(e1))],
  ])('hello heads that are %s are malformed heads', (_, heads) => {
    expect(rejection([V, TAG.hello, rid(7), roomBytes, [], heads])).toBe('malformed heads')
  })

  it.each([
    ['negative', [V, TAG.catchUp, -1]],
    ['fractional', [V, TAG.catchUp, 2.5]],
    ['text', [V, TAG.catchUp, '12']],
    ['missing', [V, TAG.catchUp]],
    ['followed by an extra field', [V, TAG.catchUp, 1, 2]],
  ])('a catch-up total that is %s is a malformed catch-up', (_, raw) => {
    expect(rejection(raw)).toBe('malformed catch-up')
  })

  it.each([
    ['not a list', [V, TAG.events, encodeEvent(e1)]],
    ['holding text', [V, TAG.events, [encodeEvent(e1), 'e2']]],
    ['holding an array', [V, TAG.events, [[1, 2]]]],
    ['followed by an extra field', [V, TAG.events, [], 1]],
  ])('events %s are malformed events', (_, raw) => {
    expect(rejection(raw)).toBe('malformed events')
  })

  it('events frames are not validated event by event here: that is the engine’s job', () => {
    // A byte string that is no event still parses as a frame; decodeEvent rejects it later.
    expect(parseMessage(encode([V, TAG.events, [bytes(3)]])).type).toBe('ok')
  })

  it.each([
    ['not a list', [V, TAG.want, eid(e1)]],
    ['a 31-byte id', [V, TAG.want, [eid(e1), bytes(31)]]],
    ['an id as hex text', [V, TAG.want, [e1.id]]],
    ['more than MAX_IDS_PER_WANT ids', [V, TAG.want, Array.from({ length: MAX_IDS_PER_WANT + 1 }, () => eid(e1))]],
    ['followed by an extra field', [V, TAG.want, [], 1]],
  ])('a want with %s is a malformed want', (_, raw) => {
    expect(rejection(raw)).toBe('malformed want')
  })

  it('a want of exactly MAX_IDS_PER_WANT ids fits in a frame and parses', () => {
    const ids = Array.from({ length: MAX_IDS_PER_WANT }, () => e1.id)
    const frame = encodeMessage({ type: 'want', ids })
    expect(frame.byteLength).toBeLessThanOrEqual(MAX_FRAME_BYTES)
    expect(parseMessage(frame).type).toBe('ok')
  })

  it.each([
    ['a number', [V, TAG.refuse, 3]],
    ['missing', [V, TAG.refuse]],
  ])('a refuse whose reason is %s is a malformed refuse', (_, raw) => {
    expect(rejection(raw)).toBe('malformed refuse')
  })

  it.each([
    ['negative', [V, TAG.ack, -1]],
    ['fractional', [V, TAG.ack, 0.5]],
    ['text', [V, TAG.ack, '3']],
    ['beyond a safe integer', [V, TAG.ack, 2 ** 60]],
    ['missing', [V, TAG.ack]],
    ['followed by an extra field', [V, TAG.ack, 1, 2]],
  ])('an ack count that is %s is a malformed ack', (_, raw) => {
    expect(rejection(raw)).toBe('malformed ack')
  })

  it('a clock naming one author key twice keeps the lower lamport (the sender’s authors collided)', () => {
    const parsed = parseMessage(encode([V, TAG.hello, rid(7), roomBytes, [[akey(2), 9], [akey(2), 4]], []]))
    expect(parsed.type === 'ok' && parsed.message.type === 'hello' && [...parsed.message.clock]).toEqual([[authorKey(replica(2)), 4]])
  })

  // A clock entry costs up to 15 bytes, so a hello naming every one of 10,000 authors would
  // exceed MAX_FRAME_BYTES and be dropped by every receiver: the hello keeps the
  // MAX_CLOCK_ENTRIES most recent authors (the peer resends the rest: bytes, not errors).
  it('a replica that has seen 10,000 authors can still say hello, naming its most recent ones', () => {
    const clock = new Map(Array.from({ length: 10_000 }, (_, i) => [authorKey(replica(i + 1)), 1_000_000 + i] as const))
    const frame = encodeMessage({ type: 'hello', replica: replica(7), room: ROOM, clock, heads: [e2a.id, e2b.id] })
    const parsed = parseMessage(frame)
    expect(parsed.type).toBe('ok')
    const sent = parsed.type === 'ok' && parsed.message.type === 'hello' ? parsed.message.clock : new Map()
    expect(sent.size).toBe(MAX_CLOCK_ENTRIES)
    expect(sent.get(authorKey(replica(10_000)))).toBe(1_000_000 + 9_999)
    expect(sent.has(authorKey(replica(1)))).toBe(false)
  })
})

describe('packEvents', () => {
  it('packs nothing into no frames, and a few small events into one', () => {
    expect(packEvents([])).toEqual([])
    const frames = packEvents([e1, e2a].map(encodeEvent))
    expect(frames).toHaveLength(1)
    expect(parseMessage(frames[0]!)).toEqual({ type: 'ok', message: { type: 'events', events: [e1, e2a].map(encodeEvent) } })
  })

  it('splits large batches into frames under MAX_FRAME_BYTES, keeping order (parents first)', () => {
    const big = chain(Array.from({ length: 200 }, (_, i) => ({ type: 'x-future', value: `${i}`.padEnd(3900, '.') })))
    const frames = packEvents(big.map(encodeEvent))
    expect(frames.length).toBeGreaterThanOrEqual(4)
    const ids: EventId[] = []
    for (const f of frames) {
      expect(f.byteLength).toBeLessThanOrEqual(MAX_FRAME_BYTES)
      const parsed = parseMessage(f)
      if (parsed.type !== 'ok' || parsed.message.type !== 'events') throw new Error('not an events frame')
      for (const b of parsed.message.events) {
        const d = decodeEvent(b)
        if (d.type === 'ok') ids.push(d.event.id)
      }
    }
    expect(ids).toEqual(big.map((e) => e.id))
  })
})

describe('events frames: read from their CBOR heads, without copying each event', () => {
  const eventsOf = (frame: Uint8Array): Uint8Array[] => {
    const parsed = parseMessage(frame)
    if (parsed.type !== 'ok' || parsed.message.type !== 'events') throw new Error(`expected events, got ${JSON.stringify(parsed)}`)
    return parsed.message.events
  }

  it('gives each event as a view of the frame, equal to what was sent, at every CBOR length boundary', () => {
    // Counts and sizes on both sides of each head form: 1 byte (< 24), 2 (< 256), 3 (< 65,536), 5.
    for (const [count, size] of [[0, 0], [1, 23], [23, 24], [24, 255], [255, 1], [256, 256], [300, 100], [1, 65_535], [2, 65_536]] as const) {
      const sent = Array.from({ length: count }, (_, i) => bytes(size, i & 0xff))
      const frame = encodeMessage({ type: 'events', events: sent })
      const got = eventsOf(frame)
      expect(got, `${count} × ${size} bytes`).toEqual(sent)
      for (const e of got) expect(e.buffer).toBe(frame.buffer) // a view: no copy
    }
  })

  it('accepts and rejects exactly what strict cborg does, for any damage to a frame', () => {
    const frame = encodeMessage({ type: 'events', events: [e1, e2a, e2b].map(encodeEvent) })
    /** What parseMessage answered before the fast path: cborg's strict decode, then the shape check. */
    const byCborg = (b: Uint8Array): Uint8Array[] | string => {
      let raw: unknown
      try {
        raw = decode(b, { strict: true, allowUndefined: false, allowIndefinite: false })
      } catch {
        return 'not CBOR'
      }
      if (!Array.isArray(raw) || raw[0] !== V) return 'other'
      if (raw[1] !== TAG.events) return 'other'
      if (raw.length !== 3 || !Array.isArray(raw[2]) || !raw[2].every((x) => x instanceof Uint8Array)) return 'malformed events'
      return raw[2] as Uint8Array[]
    }
    const damage = fc.oneof(
      fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }).map(({ at, byte }) => (b: Uint8Array) => {
        const c = b.slice()
        c[at % c.length] = byte
        return c
      }),
      fc.nat().map((n) => (b: Uint8Array) => b.slice(0, n % b.length)),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((tail) => (b: Uint8Array) => Uint8Array.of(...b, ...tail)),
    )
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 3 }), (damages) => {
        const b = damages.reduce((acc, d) => d(acc), frame)
        const expected = byCborg(b)
        const parsed = parseMessage(b)
        if (Array.isArray(expected)) {
          expect(parsed.type).toBe('ok')
          expect((parsed as { message: { events: Uint8Array[] } }).message.events).toEqual(expected)
        } else if (expected === 'not CBOR') {
          expect(parsed).toMatchObject({ type: 'rejected', reason: expect.stringMatching(/^not CBOR/) })
        } else if (expected === 'malformed events') {
          expect(parsed).toEqual({ type: 'rejected', reason: 'malformed events' })
        } else expect(parsed.type === 'ok' && parsed.message.type === 'events').toBe(false)
      }),
      { numRuns: 2000 },
    )
  })

  it('a head not in its shortest form is not CBOR we accept (strict), as before', () => {
    // [V, events, [bstr(1)]] with the list's length spelled in two bytes (0x98 0x01).
    expect(parseMessage(Uint8Array.of(0x83, V, TAG.events, 0x98, 0x01, 0x41, 0x07))).toMatchObject({
      type: 'rejected',
      reason: expect.stringMatching(/^not CBOR/),
    })
    expect(parseMessage(Uint8Array.of(0x83, V, TAG.events, 0x81, 0x58, 0x01, 0x07))).toMatchObject({ reason: expect.stringMatching(/^not CBOR/) })
    expect(eventsOf(Uint8Array.of(0x83, V, TAG.events, 0x81, 0x41, 0x07))).toEqual([Uint8Array.of(7)])
  })
})

describe('catchUpTotal: the size of an announced catch-up, read without decoding other frames', () => {
  it('reads the total of a catch-up frame, however large', () => {
    for (const total of [0, 23, 24, 8191, 8192, 100_000, 2 ** 32]) expect(catchUpTotal(encodeMessage({ type: 'catch-up', total }))).toBe(total)
  })

  it('is null for every other message, another version, and a damaged catch-up frame', () => {
    expect(catchUpTotal(encodeMessage({ type: 'ack', received: 100_000 }))).toBeNull()
    expect(catchUpTotal(encodeMessage({ type: 'events', events: [encodeEvent(e1)] }))).toBeNull()
    expect(catchUpTotal(encodeMessage({ type: 'want', ids: [] }))).toBeNull()
    expect(catchUpTotal(Uint8Array.of(0x83, V + 1, TAG.catchUp, 0x19, 0x20, 0x00))).toBeNull()
    expect(catchUpTotal(Uint8Array.of(0x83, V, TAG.catchUp, 0x19, 0x20))).toBeNull() // cut short
    expect(catchUpTotal(Uint8Array.of(0x83, V, TAG.catchUp, 0x20))).toBeNull() // a negative total
    expect(catchUpTotal(new Uint8Array(0))).toBeNull()
  })
})
