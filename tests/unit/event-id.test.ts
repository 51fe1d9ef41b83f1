import { describe, expect, it } from 'vitest'
import { decodeEvent, encodeEvent, eventIdOf, encodeEventBody, sealEvent, verifyEvent } from '../../shared/event-codec.ts'
import type { EventBody } from '../../shared/event.ts'
import type { EventId } from '../../shared/ids.ts'
import { replica, todo } from '../helpers/fixtures.ts'

const body: EventBody = {
  parents: ['aa'.repeat(32) as EventId, 'bb'.repeat(32) as EventId],
  lamport: 7,
  author: replica(1),
  todo: todo(1),
  type: 'set_content',
  value: 'buy milk',
  time: 1_700_000_000_000,
}

describe('event ids', () => {
  it('are the same for the same content, computed twice', () => {
    expect(sealEvent(body).id).toBe(sealEvent({ ...body, parents: [...body.parents] }).id)
    expect(sealEvent(body).id).toMatch(/^[0-9a-f]{64}$/)
  })

  const changes: Array<[string, Partial<EventBody>]> = [
    ['parents', { parents: ['aa'.repeat(32) as EventId] }],
    ['lamport', { lamport: 8 }],
    ['author', { author: replica(2) }],
    ['todo', { todo: todo(2) }],
    ['type', { type: 'add_to_list' }],
    ['value', { value: 'buy milk!' }],
    ['time', { time: 1_700_000_000_001 }],
  ]
  it.each(changes)('differ when %s changes', (_field, change) => {
    expect(sealEvent({ ...body, ...change }).id).not.toBe(sealEvent(body).id)
  })

  it('distinguish a boolean value from its string spelling', () => {
    const a = sealEvent({ ...body, type: 'complete', value: true })
    const b = sealEvent({ ...body, type: 'x-future', value: 'true' })
    expect(a.id).not.toBe(b.id)
  })

  it('survive an encode/decode round trip', () => {
    const e = sealEvent(body)
    const d = decodeEvent(encodeEvent(e))
    expect(d).toEqual({ type: 'ok', event: e })
  })

  it('are recomputed on verification, so a forged id is rejected', () => {
    const e = sealEvent(body)
    expect(verifyEvent(e).type).toBe('ok')
    const forged = { ...e, value: 'sell milk' }
    const v = verifyEvent(forged)
    expect(v.type).toBe('rejected')
    expect(v.type === 'rejected' && v.reason).toMatch(/id does not match/)
  })

  it('hash the canonical bytes with SHA-256', () => {
    const bytes = encodeEventBody(body)
    expect(eventIdOf(bytes)).toBe(sealEvent(body).id)
  })
})

describe('decodeEvent', () => {
  it('rejects garbage without throwing', () => {
    expect(decodeEvent(new Uint8Array([0xff, 0x00, 0x13])).type).toBe('rejected')
    expect(decodeEvent(new Uint8Array(0)).type).toBe('rejected')
  })

  it('rejects an event whose known type carries the wrong value', () => {
    const bad = encodeEventBody({ ...body, type: 'complete', value: 'yes' })
    const d = decodeEvent(bad)
    expect(d.type === 'rejected' && d.reason).toMatch(/complete takes true or false/)
  })

  it('keeps unknown event types from newer peers', () => {
    const d = decodeEvent(encodeEventBody({ ...body, type: 'set_colour', value: 'red' }))
    expect(d.type).toBe('ok')
  })
})
