/**
 * End-to-end encryption of signaling payloads (AES-GCM, WebCrypto).
 *
 * The room secret (URL fragment, never sent to a server) derives, with HKDF-SHA-256, a
 * 256-bit AES-GCM key. Every payload published on the room's topic is sealed with a
 * fresh 96-bit IV; the topic itself is derived from the secret too (room-link.ts). So the
 * signaling server sees an opaque topic and ciphertext: no room id, no SDP, no ICE
 * candidates. A payload that fails to authenticate (wrong secret, tampering, garbage)
 * opens to null and is dropped by the caller.
 *
 * Sealed form (JSON-safe, so it travels inside y-webrtc's `data` field):
 *   { v: 1, iv: base64(12 bytes), ct: base64(ciphertext + 16-byte tag) }
 * The topic is bound in as additional authenticated data, so a payload replayed onto
 * another topic does not open.
 */
import type { RoomAddress } from './room-link.ts'
import { hexToBytes } from './ids.ts'

export const SEALED_VERSION = 1
const MAX_SEALED_CHARS = 256 * 1024

export interface SealedPayload {
  v: typeof SEALED_VERSION
  iv: string
  ct: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Derives the room's signaling key from its secret (and room id, as HKDF salt). */
export async function deriveSignalingKey({ room, secret }: RoomAddress): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new Uint8Array(hexToBytes(secret)), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(hexToBytes(room)), info: encoder.encode('peerlog/signaling/v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** Encrypts a JSON-serializable payload for `topic`. */
export async function sealPayload(key: CryptoKey, topic: string, payload: unknown): Promise<SealedPayload> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const plain = encoder.encode(JSON.stringify(payload))
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(topic) }, key, plain)
  return { v: SEALED_VERSION, iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) }
}

/** Decrypts a payload sealed for `topic`; null if it is malformed, forged or for another key. */
export async function openPayload(key: CryptoKey, topic: string, sealed: unknown): Promise<unknown> {
  if (!isSealed(sealed)) return null
  try {
    const iv = fromBase64(sealed.iv)
    const ct = fromBase64(sealed.ct)
    if (iv.byteLength !== 12 || ct.byteLength < 16) return null
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(topic) }, key, ct)
    return JSON.parse(decoder.decode(plain)) as unknown
  } catch {
    // Authentication failure or bad JSON: an expected outcome for foreign payloads.
    return null
  }
}

function isSealed(x: unknown): x is SealedPayload {
  if (typeof x !== 'object' || x === null) return false
  const s = x as Record<string, unknown>
  return (
    s.v === SEALED_VERSION &&
    typeof s.iv === 'string' &&
    typeof s.ct === 'string' &&
    s.iv.length <= 32 &&
    s.ct.length <= MAX_SEALED_CHARS
  )
}

function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s)
  const out = new Uint8Array(new ArrayBuffer(bin.length))
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
