import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MAX_FRAME_BYTES,
  MAX_TOPICS_PER_CONNECTION,
  MAX_TOPIC_LENGTH,
  encodeSignalingMessage,
  parseClientMessage,
  parseServerMessage,
} from '../../shared/signaling-protocol.ts'

const reason = (result: { type: string; reason?: string }): string | undefined => (result.type === 'rejected' ? result.reason : undefined)

describe('parseClientMessage', () => {
  it('accepts the frames y-webrtc clients send', () => {
    const frames = [
      { type: 'subscribe', topics: ['room-a'] },
      { type: 'unsubscribe', topics: ['room-a'] },
      { type: 'publish', topic: 'room-a', data: { type: 'announce', from: 'peer-1' } },
      { type: 'publish', topic: 'room-a', data: 'base64ciphertext==' },
      { type: 'ping' },
    ]
    for (const frame of frames) {
      expect(parseClientMessage(JSON.stringify(frame))).toEqual({ type: 'ok', message: frame })
    }
  })

  it('rebuilds messages so unknown fields are not passed on', () => {
    const parsed = parseClientMessage(JSON.stringify({ type: 'publish', topic: 't', data: 1, clients: 999, extra: true }))
    expect(parsed).toEqual({ type: 'ok', message: { type: 'publish', topic: 't', data: 1 } })
  })

  it('accepts an empty topic list and null data', () => {
    expect(parseClientMessage('{"type":"subscribe","topics":[]}').type).toBe('ok')
    expect(parseClientMessage('{"type":"publish","topic":"t","data":null}').type).toBe('ok')
  })

  it.each([
    ['text that is not JSON', '{"type":'],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"subscribe"'],
    ['a JSON array', '[{"type":"ping"}]'],
    ['an object without type', '{"topics":["a"]}'],
    ['a non-string type', '{"type":1}'],
    ['an unknown type', '{"type":"pong"}'],
    ['subscribe without topics', '{"type":"subscribe"}'],
    ['subscribe with topics not an array', '{"type":"subscribe","topics":"room"}'],
    ['subscribe with a non-string topic', '{"type":"subscribe","topics":["a",1]}'],
    ['subscribe with an empty topic', '{"type":"subscribe","topics":[""]}'],
    ['unsubscribe with a nested array', '{"type":"unsubscribe","topics":[["a"]]}'],
    ['publish without topic', '{"type":"publish","data":1}'],
    ['publish with a numeric topic', '{"type":"publish","topic":7,"data":1}'],
    ['publish without data', '{"type":"publish","topic":"t"}'],
  ])('rejects %s', (_name, text) => {
    expect(parseClientMessage(text).type).toBe('rejected')
  })

  it(`rejects more than ${MAX_TOPICS_PER_CONNECTION} topics in one message`, () => {
    const topics = Array.from({ length: MAX_TOPICS_PER_CONNECTION + 1 }, (_, i) => `t${i}`)
    expect(parseClientMessage(JSON.stringify({ type: 'subscribe', topics: topics.slice(1) })).type).toBe('ok')
    expect(reason(parseClientMessage(JSON.stringify({ type: 'subscribe', topics })))).toMatch(/topics exceed/)
  })

  it(`rejects topics longer than ${MAX_TOPIC_LENGTH} characters`, () => {
    const ok = 'x'.repeat(MAX_TOPIC_LENGTH)
    expect(parseClientMessage(JSON.stringify({ type: 'subscribe', topics: [ok] })).type).toBe('ok')
    expect(parseClientMessage(JSON.stringify({ type: 'subscribe', topics: [`${ok}x`] })).type).toBe('rejected')
    expect(parseClientMessage(JSON.stringify({ type: 'publish', topic: `${ok}x`, data: 1 })).type).toBe('rejected')
  })

  it('rejects frames longer than MAX_FRAME_BYTES before parsing them', () => {
    const text = JSON.stringify({ type: 'publish', topic: 't', data: 'x'.repeat(MAX_FRAME_BYTES) })
    expect(reason(parseClientMessage(text))).toMatch(/exceeds/)
  })

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: 'subscribe', topics: v }))), (text) => {
        const result = parseClientMessage(text)
        expect(['ok', 'rejected']).toContain(result.type)
      }),
      { numRuns: 500 },
    )
  })
})

describe('parseServerMessage', () => {
  it('accepts a relayed publish with its subscriber count, and pong', () => {
    const publish = { type: 'publish', topic: 'room-a', data: { type: 'announce', from: 'p' }, clients: 2 }
    expect(parseServerMessage(JSON.stringify(publish))).toEqual({ type: 'ok', message: publish })
    expect(parseServerMessage('{"type":"pong"}')).toEqual({ type: 'ok', message: { type: 'pong' } })
  })

  it.each([
    ['a publish without clients', '{"type":"publish","topic":"t","data":1}'],
    ['a publish with zero clients', '{"type":"publish","topic":"t","data":1,"clients":0}'],
    ['a publish with fractional clients', '{"type":"publish","topic":"t","data":1,"clients":1.5}'],
    ['a publish with string clients', '{"type":"publish","topic":"t","data":1,"clients":"2"}'],
    ['a client-only message', '{"type":"subscribe","topics":["t"]}'],
    ['ping', '{"type":"ping"}'],
    ['text that is not JSON', 'pong'],
  ])('rejects %s', (_name, text) => {
    expect(parseServerMessage(text).type).toBe('rejected')
  })

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        expect(['ok', 'rejected']).toContain(parseServerMessage(text).type)
      }),
      { numRuns: 500 },
    )
  })
})

describe('encodeSignalingMessage', () => {
  it('produces frames the matching guard accepts unchanged', () => {
    const publish = { type: 'publish', topic: 'room', data: { nested: [1, 'two', null] } } as const
    expect(parseClientMessage(encodeSignalingMessage(publish))).toEqual({ type: 'ok', message: publish })
    const relayed = { ...publish, clients: 3 }
    expect(parseServerMessage(encodeSignalingMessage(relayed))).toEqual({ type: 'ok', message: relayed })
  })
})
