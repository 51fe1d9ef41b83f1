/**
 * Room links: `/r/<roomId>#<secret>`.
 *
 * The room id is in the path; the secret lives only in the URL fragment, which
 * browsers never send to a server. The signaling topic is derived from both, so the
 * signaling server sees neither the room id nor the secret, only an opaque topic —
 * and someone who knows the room id but not the secret never meets the room's peers.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { type RoomId, bytesToHex, isHexId, isRoomId, newRoomId, randomHex } from './ids.ts'

export const SECRET_BYTES = 16

export interface RoomAddress {
  room: RoomId
  secret: string
}

export const isSecret = (s: unknown): s is string => isHexId(s, SECRET_BYTES)

export function newRoomAddress(): RoomAddress {
  return { room: newRoomId(), secret: randomHex(SECRET_BYTES) }
}

/** Path and fragment of a room link (append to the origin). */
export function roomPath({ room, secret }: RoomAddress): string {
  return `/r/${room}#${secret}`
}

/** Reads a room address from a path and a fragment (with or without '#'); null if invalid. */
export function parseRoomAddress(path: string, hash: string): RoomAddress | null {
  const m = /^\/r\/([0-9a-f]+)\/?$/.exec(path)
  const secret = hash.replace(/^#/, '')
  if (!m || !isRoomId(m[1]) || !isSecret(secret)) return null
  return { room: m[1], secret }
}

/** The signaling topic: a one-way function of room id and secret. */
export function signalingTopic({ room, secret }: RoomAddress): string {
  return bytesToHex(sha256(new TextEncoder().encode(`peerlog/topic/v1|${room}|${secret}`)))
}
