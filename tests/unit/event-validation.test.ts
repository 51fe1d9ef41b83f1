/**
 * Every rejection rule of event validation, one test each, with the reason it gives:
 *   validateEventShape (shared/event.ts)   fields of a body, checked without the log
 *   decodeEvent / verifyEvent (event-codec.ts)   bytes from a peer / an event claiming an id
 *   lamport = 1 + max(parents' lamport)    needs the log: enforced by the SyncEngine on
 *                                          receipt (shared/sync/sync-engine.ts, invariant 3)
 * Each rule is also shown accepting its boundary value, so a test fails if a limit moves.
 */
import { describe, expect, it } from 'vitest'
import { encode } from 'cborg'
import {
  type EventBody,
  MAX_CONTENT_LENGTH,
  MAX_LIST_LENGTH,
  MAX_NAME_LENGTH,
  MAX_PARENTS,
  MAX_TYPE_LENGTH,
  MAX_UNKNOWN_VALUE_LENGTH,
  type ShapeCheck,
  validateEventShape,
} from '../../shared/event.ts'
import { MAX_ENCODED_EVENT_BYTES, decodeEvent, encodeEvent, encodeEventBody, sealEvent, verifyEvent } from '../../shared/event-codec.ts'
import { type EventId, hexToBytes } from '../../shared/ids.ts'
import { encodeMessage } from '../../shared/sync/messages.ts'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { MemoryNetwork } from '../helpers/memory-network.ts'
import { ev, replica, todo } from '../helpers/fixtures.ts'

const id = (n: number) => n.toString(16).padStart(64, '0') as EventId
const body: EventBody = {
  parents: [id(1), id(2)],
  lamport: 5,
  author: replica(1),
  todo: todo(1),
  type: 'set_content',
  value: 'buy milk',
  time: 1_700_000_000_000,
}
const root: EventBody = { ...body, parents: [], lamport: 1, type: 'create', value: null }

/** The reason of a rejection, or 'ok'. */
const reasonOf = (check: ShapeCheck | { type: 'ok' | 'rejected'; reason?: string }) => (check.type === 'rejected' ? check.reason : 'ok')
const shape = (change: Partial<EventBody>, base: EventBody = body) => reasonOf(validateEventShape({ ...base, ...change } as EventBody))

describe('validateEventShape', () => {
  it('accepts a well-formed event and a well-formed root', () => {
    expect(shape({})).toBe('ok')
    expect(shape({}, root)).toBe('ok')
  })

  describe('parents', () => {
    it('must be a list', () => {
      expect(shape({ parents: id(1) as unknown as EventId[] })).toBe('parents is not a list')
    })

    it(`number at most ${MAX_PARENTS}`, () => {
      const many = Array.from({ length: MAX_PARENTS + 1 }, (_, i) => id(i + 1))
      expect(shape({ parents: many.slice(0, MAX_PARENTS) })).toBe('ok')
      expect(shape({ parents: many })).toBe(`more than ${MAX_PARENTS} parents`)
    })

    it('are event ids: 64 lowercase hex digits', () => {
      expect(shape({ parents: [id(1), 'AB'.repeat(32) as EventId] })).toBe('parent 1 is not an event id')
      expect(shape({ parents: ['ab'.repeat(31) as EventId] })).toBe('parent 0 is not an event id')
      expect(shape({ parents: [42 as unknown as EventId] })).toBe('parent 0 is not an event id')
    })

    it('are sorted', () => {
      expect(shape({ parents: [id(2), id(1)] })).toBe('parents are not sorted and unique')
    })

    it('are unique', () => {
      expect(shape({ parents: [id(1), id(1)] })).toBe('parents are not sorted and unique')
    })
  })

  describe('lamport', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, '5' as unknown as number])('rejects %s', (lamport) => {
      expect(shape({ lamport })).toBe('lamport is not a positive integer')
    })

    it('is 1 for a root', () => {
      expect(shape({ lamport: 2 }, root)).toBe('a root event must have lamport 1')
    })

    it('is at least 2 for an event with parents', () => {
      expect(shape({ lamport: 1 })).toBe('an event with parents must have lamport >= 2')
      expect(shape({ lamport: 2 })).toBe('ok')
    })
  })

  it('author is a replica id: 32 lowercase hex digits', () => {
    expect(shape({ author: 'ab'.repeat(15) as typeof body.author })).toBe('author is not a replica id')
    expect(shape({ author: id(1) as unknown as typeof body.author })).toBe('author is not a replica id')
  })

  it('todo is a todo id: 32 lowercase hex digits', () => {
    expect(shape({ todo: 'not hex at all, 32 characters!!!' as typeof body.todo })).toBe('todo is not a todo id')
  })

  it.each([-1, 0.5, Number.POSITIVE_INFINITY, null as unknown as number])('time %s is rejected: it is a non-negative integer', (time) => {
    expect(shape({ time })).toBe('time is not a non-negative integer')
    expect(shape({ time: 0 })).toBe('ok')
  })

  it(`type is a non-empty string of at most ${MAX_TYPE_LENGTH} characters`, () => {
    expect(shape({ type: '', value: null })).toBe('type is not a short string')
    expect(shape({ type: 'x'.repeat(MAX_TYPE_LENGTH + 1), value: null })).toBe('type is not a short string')
    expect(shape({ type: 7 as unknown as string })).toBe('type is not a short string')
    expect(shape({ type: 'x'.repeat(MAX_TYPE_LENGTH), value: null })).toBe('ok')
  })

  describe('values of known types', () => {
    it.each(['create', 'delete'])('%s takes no value', (type) => {
      expect(shape({ type, value: null })).toBe('ok')
      expect(shape({ type, value: '' })).toBe(`${type} takes no value`)
      expect(shape({ type, value: false })).toBe(`${type} takes no value`)
    })

    it(`set_content takes a string of at most ${MAX_CONTENT_LENGTH} characters`, () => {
      const reason = `set_content takes a string of at most ${MAX_CONTENT_LENGTH} characters`
      expect(shape({ type: 'set_content', value: 'x'.repeat(MAX_CONTENT_LENGTH) })).toBe('ok')
      expect(shape({ type: 'set_content', value: 'x'.repeat(MAX_CONTENT_LENGTH + 1) })).toBe(reason)
      expect(shape({ type: 'set_content', value: null })).toBe(reason)
      expect(shape({ type: 'set_content', value: true })).toBe(reason)
    })

    it(`add_to_list takes a string of at most ${MAX_LIST_LENGTH} characters`, () => {
      const reason = `add_to_list takes a string of at most ${MAX_LIST_LENGTH} characters`
      expect(shape({ type: 'add_to_list', value: 'x'.repeat(MAX_LIST_LENGTH) })).toBe('ok')
      expect(shape({ type: 'add_to_list', value: 'x'.repeat(MAX_LIST_LENGTH + 1) })).toBe(reason)
      expect(shape({ type: 'add_to_list', value: null })).toBe(reason)
    })

    it('complete takes true or false', () => {
      expect(shape({ type: 'complete', value: true })).toBe('ok')
      expect(shape({ type: 'complete', value: false })).toBe('ok')
      expect(shape({ type: 'complete', value: 'true' })).toBe('complete takes true or false')
      expect(shape({ type: 'complete', value: null })).toBe('complete takes true or false')
    })

    it.each(['set_room_name', 'set_peer_name'])(`%s takes a string of at most ${MAX_NAME_LENGTH} characters`, (type) => {
      const reason = `${type} takes a string of at most ${MAX_NAME_LENGTH} characters`
      expect(shape({ type, value: 'x'.repeat(MAX_NAME_LENGTH) })).toBe('ok')
      expect(shape({ type, value: '' })).toBe('ok')
      expect(shape({ type, value: 'x'.repeat(MAX_NAME_LENGTH + 1) })).toBe(reason)
      expect(shape({ type, value: null })).toBe(reason)
    })
  })

  it(`an unknown type takes null, a boolean or a string of at most ${MAX_UNKNOWN_VALUE_LENGTH} characters`, () => {
    const reason = 'value of an unknown type is too long or of the wrong kind'
    for (const value of [null, true, 'x'.repeat(MAX_UNKNOWN_VALUE_LENGTH)]) expect(shape({ type: 'x-future', value })).toBe('ok')
    expect(shape({ type: 'x-future', value: 'x'.repeat(MAX_UNKNOWN_VALUE_LENGTH + 1) })).toBe(reason)
    expect(shape({ type: 'x-future', value: 3 as unknown as string })).toBe(reason)
  })
})

describe('decodeEvent', () => {
  /** The canonical array of `body`, with some positions replaced, CBOR-encoded. */
  const frame = (replace: Record<number, unknown> = {}) => {
    const fields: unknown[] = [1, body.parents.map(hexToBytes), body.lamport, hexToBytes(body.author), hexToBytes(body.todo), body.type, body.value, body.time]
    for (const [i, v] of Object.entries(replace)) fields[Number(i)] = v
    return encode(fields)
  }
  const decoded = (bytes: Uint8Array) => reasonOf(decodeEvent(bytes))

  it('accepts the canonical encoding and recomputes the id', () => {
    // Under Node cborg hands back a Buffer; only the bytes matter.
    expect(encodeEventBody(body)).toEqual(Uint8Array.from(frame()))
    expect(decodeEvent(frame())).toEqual({ type: 'ok', event: sealEvent(body) })
  })

  it(`rejects more than ${MAX_ENCODED_EVENT_BYTES} bytes before decoding`, () => {
    expect(decoded(new Uint8Array(MAX_ENCODED_EVENT_BYTES + 1))).toBe('event too large')
  })

  it.each([
    ['garbage', new Uint8Array([0xff, 0x00, 0x13]), /^not CBOR: /],
    ['nothing', new Uint8Array(0), /^not CBOR: /],
    ['trailing bytes', new Uint8Array([...encodeEventBody(body), 0]), /^not CBOR: .*too many terminals/],
    ['a non-minimal integer (version 1 as 0x18 0x01)', new Uint8Array([0x88, 0x18, 0x01, ...encodeEventBody(body).slice(2)]), /^not CBOR: .*more bytes than necessary/],
    ['undefined (as the time)', new Uint8Array([...encodeEventBody(body).slice(0, -9), 0xf7]), /^not CBOR: .*undefined/],
    ['an indefinite-length array', new Uint8Array([0x9f, ...encodeEventBody(body).slice(1), 0xff]), /^not CBOR: .*indefinite/],
    ['a tag', new Uint8Array([0xc0, ...encodeEventBody(body)]), /^not CBOR: .*tag/],
  ])('rejects bytes that are not strict CBOR: %s', (_name, bytes, reason) => {
    expect(decoded(bytes)).toMatch(reason)
  })

  it('rejects anything but an 8-field array', () => {
    expect(decoded(encode({ parents: [] }))).toBe('not an 8-field event array')
    expect(decoded(encode([1, [], 1, hexToBytes(root.author), hexToBytes(root.todo), 'create', null]))).toBe('not an 8-field event array')
  })

  it('rejects another format version', () => {
    expect(decoded(frame({ 0: 2 }))).toBe('unsupported event format 2')
  })

  it('rejects parents that are not a list of byte strings', () => {
    expect(decoded(frame({ 1: [body.parents[0]] }))).toBe('parents are not byte strings')
    expect(decoded(frame({ 1: hexToBytes(id(1)) }))).toBe('parents are not byte strings')
  })

  it('rejects an author or todo that is not a byte string', () => {
    expect(decoded(frame({ 3: body.author }))).toBe('author or todo is not a byte string')
    expect(decoded(frame({ 4: body.todo }))).toBe('author or todo is not a byte string')
  })

  it('rejects a value that is not a string, boolean or null', () => {
    expect(decoded(frame({ 6: 42 }))).toBe('value is not a string, boolean or null')
    expect(decoded(frame({ 6: { x: 1 } }))).toBe('value is not a string, boolean or null')
    expect(decoded(frame({ 6: new Uint8Array(1) }))).toBe('value is not a string, boolean or null')
  })

  it('applies every shape rule to the decoded fields', () => {
    expect(decoded(frame({ 1: [new Uint8Array(31)] }))).toBe('parent 0 is not an event id')
    expect(decoded(frame({ 2: '5' }))).toBe('lamport is not a positive integer')
    expect(decoded(frame({ 2: 2n ** 64n - 1n }))).toBe('lamport is not a positive integer')
    expect(decoded(frame({ 3: new Uint8Array(15) }))).toBe('author is not a replica id')
    expect(decoded(frame({ 5: 3 }))).toBe('type is not a short string')
    expect(decoded(frame({ 7: -1 }))).toBe('time is not a non-negative integer')
    expect(decoded(frame({ 5: 'complete', 6: 'yes' }))).toBe('complete takes true or false')
  })

  it('rejects a non-canonical spelling of a valid event, so it cannot hash to a second id', () => {
    // lamport 5 as a half-precision float (0xf9 0x45 0x00): decodes to the number 5.
    const canonical = encodeEventBody(body)
    const at = 3 + 2 * 34 // after the array header, version, parents header and two 34-byte parents
    expect(canonical[at]).toBe(0x05)
    const spelled = new Uint8Array([...canonical.slice(0, at), 0xf9, 0x45, 0x00, ...canonical.slice(at + 1)])
    expect(decoded(spelled)).toBe('encoding is not canonical')
  })
})

describe('verifyEvent', () => {
  it('accepts a sealed event', () => {
    expect(verifyEvent(sealEvent(body))).toEqual({ type: 'ok', event: sealEvent(body) })
  })

  it('applies the shape rules', () => {
    expect(reasonOf(verifyEvent({ ...sealEvent(body), lamport: 0 }))).toBe('lamport is not a positive integer')
  })

  it('rejects an id that does not match the content, naming the right one', () => {
    const e = sealEvent(body)
    expect(reasonOf(verifyEvent({ ...e, value: 'sell milk' }))).toBe(`id does not match content (expected ${sealEvent({ ...body, value: 'sell milk' }).id})`)
    expect(reasonOf(verifyEvent({ ...e, id: id(9) }))).toBe(`id does not match content (expected ${e.id})`)
  })
})

describe('the DAG rule: lamport = 1 + max(parents’ lamport), enforced by the sync engine on receipt', () => {
  /** b, linked to a; returns a function sending a frame of events to b as if from a. */
  async function receiver() {
    const net = new MemoryNetwork()
    await net.add('a', 1)
    const b = await net.add('b', 2)
    await net.link('a', 'b')
    await net.settle()
    const send = async (...events: EventBody[]) => {
      await b.node.receive('a' as PeerId, encodeMessage({ type: 'events', events: events.map((e) => encodeEvent(sealEvent(e))) }))
      await net.settle()
    }
    const stored = async (...events: EventBody[]) => [...(await b.node.log.store.lamportsOf(events.map((e) => sealEvent(e).id))).keys()]
    return { b, send, stored }
  }
  const author = replica(7)
  const e1 = ev([], { author, type: 'create' })
  const e2 = ev([e1], { author, type: 'set_content', value: 'two' })
  const e3 = ev([e2], { author, type: 'set_content', value: 'three' })
  const on = (parents: typeof e1[], lamport: number): EventBody => ({
    ...ev(parents, { author, type: 'complete', value: true }),
    lamport,
  })

  it('accepts 1 + the parent’s lamport', async () => {
    const { b, send, stored } = await receiver()
    await send(e1, on([e1], 2))
    expect(await stored(e1, on([e1], 2))).toHaveLength(2)
    expect(b.warnings).toEqual([])
  })

  it('drops a lamport above 1 + the parent’s, keeping the rest of the frame', async () => {
    const { b, send, stored } = await receiver()
    await send(e1, on([e1], 3))
    expect(await stored(e1, on([e1], 3))).toEqual([e1.id])
    expect(b.warnings).toEqual([expect.stringMatching(/event with wrong lamport dropped/)])
  })

  it('drops a lamport equal to the parent’s', async () => {
    const { b, send, stored } = await receiver()
    await send(e1, e2, on([e2], 2))
    expect(await stored(on([e2], 2))).toEqual([])
    expect(b.warnings).toEqual([expect.stringMatching(/wrong lamport/)])
  })

  it('takes the largest parent, not the smallest', async () => {
    const { b, send, stored } = await receiver()
    await send(e1, e2, e3)
    const side = ev([], { author: replica(8), todo: todo(2), type: 'create' }) // lamport 1
    await send(side, on([e3, side], 2), on([e3, side], 4))
    expect(await stored(side, on([e3, side], 2), on([e3, side], 4))).toEqual([side.id, sealEvent(on([e3, side], 4)).id])
    expect(b.warnings).toEqual([expect.stringMatching(/wrong lamport/)])
  })

  it('checks an event that arrived before its parent once the parent arrives', async () => {
    const { b, send, stored } = await receiver()
    await b.node.log.ingest([e1])
    await send(on([e2], 5), on([e2], 3)) // both held: e2 is missing (b asks a for it; a lacks it)
    expect(await stored(on([e2], 5), on([e2], 3))).toEqual([])
    await send(e2)
    expect(await stored(e2, on([e2], 5), on([e2], 3))).toEqual([e2.id, sealEvent(on([e2], 3)).id])
    expect(b.warnings).toEqual([expect.stringMatching(/wrong lamport/)])
  })

  it('a root with a lamport other than 1 never gets that far: its shape is invalid', async () => {
    const { b, send, stored } = await receiver()
    await send({ ...e1, lamport: 2 })
    expect(await stored({ ...e1, lamport: 2 })).toEqual([])
    expect(b.warnings).toEqual([expect.stringMatching(/invalid event dropped: a root event must have lamport 1/)])
  })
})
