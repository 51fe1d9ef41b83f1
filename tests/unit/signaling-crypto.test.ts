import { describe, expect, it } from 'vitest'
import { deriveSignalingKey, openPayload, sealPayload } from '../../shared/signaling-crypto.ts'
import { newRoomAddress, signalingTopic } from '../../shared/room-link.ts'

describe('signaling payload encryption', () => {
  const address = newRoomAddress()
  const topic = signalingTopic(address)
  const sdp = { type: 'signal', from: 'aaaa', to: 'bbbb', signal: { type: 'offer', sdp: 'v=0 o=- 4611 2 IN IP4 127.0.0.1' } }

  it('round-trips a payload for members holding the secret', async () => {
    const key = await deriveSignalingKey(address)
    const sealed = await sealPayload(key, topic, sdp)
    expect(await openPayload(await deriveSignalingKey(address), topic, sealed)).toEqual(sdp)
  })

  it('hides the SDP, the room id and the secret from whoever relays it', async () => {
    const sealed = JSON.stringify(await sealPayload(await deriveSignalingKey(address), topic, sdp))
    expect(sealed).not.toContain('offer')
    expect(sealed).not.toContain('127.0.0.1')
    expect(sealed).not.toContain(address.room)
    expect(sealed).not.toContain(address.secret)
  })

  it('uses a fresh IV for every payload', async () => {
    const key = await deriveSignalingKey(address)
    const a = await sealPayload(key, topic, sdp)
    const b = await sealPayload(key, topic, sdp)
    expect(a.iv).not.toBe(b.iv)
    expect(a.ct).not.toBe(b.ct)
  })

  it('does not open with a wrong secret', async () => {
    const sealed = await sealPayload(await deriveSignalingKey(address), topic, sdp)
    const wrong = await deriveSignalingKey({ room: address.room, secret: newRoomAddress().secret })
    expect(await openPayload(wrong, topic, sealed)).toBeNull()
  })

  it('drops tampered, replayed-elsewhere and malformed payloads', async () => {
    const key = await deriveSignalingKey(address)
    const sealed = await sealPayload(key, topic, sdp)
    const flipped = { ...sealed, ct: sealed.ct.slice(0, 10) + (sealed.ct[10] === 'A' ? 'B' : 'A') + sealed.ct.slice(11) }
    expect(await openPayload(key, topic, flipped)).toBeNull()
    expect(await openPayload(key, 'another-topic', sealed)).toBeNull()
    for (const junk of [null, 'x', 42, {}, { v: 1, iv: '!!', ct: '??' }, { v: 2, iv: sealed.iv, ct: sealed.ct }, sdp]) {
      expect(await openPayload(key, topic, junk)).toBeNull()
    }
  })
})
