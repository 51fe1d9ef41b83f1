/**
 * Branded identifiers used across peerlog.
 *
 * Ids travel as lowercase hex strings inside the core (easy to log, compare and use as
 * map keys) and as raw bytes inside canonical encodings (compact, unambiguous).
 *
 *   EventId   32 bytes  SHA-256 of the event's canonical encoding: content-derived, so
 *                       two peers can never mint the same id for different events.
 *   ReplicaId 16 bytes  random, one per stored replica (a tab's database).
 *   TodoId    16 bytes  random, minted by the author of the todo's `create` event.
 *   RoomId    16 bytes  random, names a shared log; travels in the room link's path.
 */
import { bytesToHex, hexToBytes, isLowerHex } from './hex.ts'

export type EventId = string & { readonly __brand: 'EventId' }
export type ReplicaId = string & { readonly __brand: 'ReplicaId' }
export type TodoId = string & { readonly __brand: 'TodoId' }
export type RoomId = string & { readonly __brand: 'RoomId' }

export const EVENT_ID_BYTES = 32
export const REPLICA_ID_BYTES = 16
export const TODO_ID_BYTES = 16
export const ROOM_ID_BYTES = 16

/** True when `s` is lowercase hex encoding exactly `bytes` bytes. */
export function isHexId(s: unknown, bytes: number): s is string {
  return isLowerHex(s, bytes * 2)
}

export const isEventId = (s: unknown): s is EventId => isHexId(s, EVENT_ID_BYTES)
export const isReplicaId = (s: unknown): s is ReplicaId => isHexId(s, REPLICA_ID_BYTES)
export const isTodoId = (s: unknown): s is TodoId => isHexId(s, TODO_ID_BYTES)
export const isRoomId = (s: unknown): s is RoomId => isHexId(s, ROOM_ID_BYTES)

/** `n` cryptographically random bytes as lowercase hex. */
export function randomHex(n: number): string {
  const bytes = new Uint8Array(n)
  crypto.getRandomValues(bytes)
  return bytesToHex(bytes)
}

export const newReplicaId = (): ReplicaId => randomHex(REPLICA_ID_BYTES) as ReplicaId
export const newTodoId = (): TodoId => randomHex(TODO_ID_BYTES) as TodoId
export const newRoomId = (): RoomId => randomHex(ROOM_ID_BYTES) as RoomId

export { bytesToHex, hexToBytes }
