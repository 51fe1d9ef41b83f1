/**
 * Peer-to-peer sync messages: versioned, binary (CBOR arrays), validated on receipt.
 *
 *   [PROTOCOL_VERSION, TAG.hello,   replica, room, [[authorKey, lamport], ...], [head, ...]]
 *   [PROTOCOL_VERSION, TAG.catchUp, total]              how many events the reply to a
 *                                                       hello holds (for progress bars)
 *   [PROTOCOL_VERSION, TAG.events,  [encodedEvent, ...]]   parents before children
 *   [PROTOCOL_VERSION, TAG.want,    [eventId, ...]]
 *   [PROTOCOL_VERSION, TAG.refuse,  reason]
 *   [PROTOCOL_VERSION, TAG.ack,     received]           events received on this link
 *                                                       since its catch-up message
 *
 * Ids are raw bytes on the wire; events travel in their canonical encoding, so the
 * receiver recomputes every id (event-codec.ts) instead of trusting one.
 * A frame that fails these guards is dropped and logged by the engine, never thrown.
 *
 * Since version 2 the handshake spends few bytes (version 1 spent more), which matters
 * when peers differ by a few events (issue 4: ≤ 1 KB overhead at k = 100):
 *  - tags are small integers (one CBOR byte) instead of words;
 *  - clock entries name an author by an 8-byte key (the first 8 bytes of its 16-byte
 *    replica id) instead of the whole id: 15 bytes an entry instead of 23. Replica ids
 *    are random, so two authors share a key with odds of 2^-64 per pair; only a peer that
 *    picks its id to collide can cause it. The engine handles keys that two of its own
 *    authors share conservatively (sync-engine.ts, "Author keys"), and whatever a
 *    collision still hides is fetched by the head check and `want` walk.
 *
 * Version 3 adds `ack`: a peer catching up says how many events it has received and
 * stored, and a sender streaming a large catch-up keeps at most a window of events
 * unacknowledged (sync-engine.ts, "Streamed catch-up"). A version 2 peer would never
 * ack, so the sender would wait forever: hence a new version, not a new tag alone.
 * A peer speaking another version is refused with a reason, not misread.
 */
import { decode, encode } from 'cborg'
import { HeadReader, MAJOR_ARRAY, MAJOR_BYTES } from '../cbor-heads.ts'
import {
  type EventId,
  type ReplicaId,
  type RoomId,
  EVENT_ID_BYTES,
  REPLICA_ID_BYTES,
  ROOM_ID_BYTES,
  bytesToHex,
  hexToBytes,
} from '../ids.ts'

export const PROTOCOL_VERSION = 3
/** Message tags on the wire. */
export const TAG = { hello: 1, catchUp: 2, events: 3, want: 4, refuse: 5, ack: 6 } as const
/** Frames stay under Chromium's 256 KiB data-channel message limit, with headroom. */
export const MAX_FRAME_BYTES = 200 * 1024
export const MAX_IDS_PER_WANT = 4096
/** Bytes of a replica id that name its author in a clock (see the header). */
export const AUTHOR_KEY_BYTES = 8
/** An author key in hex: the first 16 hex digits of a replica id. */
export type AuthorKey = string & { readonly __brand: 'AuthorKey' }
export const authorKey = (author: ReplicaId): AuthorKey => author.slice(0, AUTHOR_KEY_BYTES * 2) as AuthorKey
/** A version vector keyed by author key: the highest lamport held per author. */
export type AuthorClock = Map<AuthorKey, number>
/**
 * A hello must fit in one frame: at most 15 bytes per clock entry and 35 per head, so
 * 8,000 entries plus MAX_HELLO_HEADS stay under MAX_FRAME_BYTES. A replica that has seen
 * more authors sends the entries with the highest lamports; the peer then sends it the
 * events of the omitted authors again, which costs bytes but never correctness.
 */
export const MAX_CLOCK_ENTRIES = 8_000
/** A hello names at most this many heads (a check, not the reconciliation itself). */
export const MAX_HELLO_HEADS = 256

export type SyncMessage =
  | { type: 'hello'; replica: ReplicaId; room: RoomId; clock: AuthorClock; heads: EventId[] }
  | { type: 'catch-up'; total: number }
  | { type: 'events'; events: Uint8Array[] }
  | { type: 'want'; ids: EventId[] }
  | { type: 'refuse'; reason: string }
  | { type: 'ack'; received: number }

export type ParsedMessage =
  | { type: 'ok'; message: SyncMessage }
  | { type: 'version-mismatch'; version: unknown }
  | { type: 'rejected'; reason: string }

/**
 * `frame` as bytes that own their whole buffer. cborg encodes small messages into views of
 * a pooled buffer that it reuses for the next message: such a frame is copied before it
 * is kept (queued) or transferred (which would detach the pool under the encoder).
 */
export function ownedFrame(frame: Uint8Array): Uint8Array {
  return frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? frame : frame.slice()
}

export function encodeMessage(m: SyncMessage): Uint8Array {
  switch (m.type) {
    case 'hello':
      return encode([
        PROTOCOL_VERSION,
        TAG.hello,
        hexToBytes(m.replica),
        hexToBytes(m.room),
        clockEntries(m.clock).map(([author, lamport]) => [hexToBytes(author), lamport]),
        m.heads.slice(0, MAX_HELLO_HEADS).map((h) => hexToBytes(h)),
      ])
    case 'catch-up':
      return encode([PROTOCOL_VERSION, TAG.catchUp, m.total])
    case 'events':
      return encode([PROTOCOL_VERSION, TAG.events, m.events])
    case 'want':
      return encode([PROTOCOL_VERSION, TAG.want, m.ids.map((id) => hexToBytes(id))])
    case 'refuse':
      return encode([PROTOCOL_VERSION, TAG.refuse, m.reason])
    case 'ack':
      return encode([PROTOCOL_VERSION, TAG.ack, m.received])
  }
}

const isBytes = (x: unknown, n?: number): x is Uint8Array => x instanceof Uint8Array && (n === undefined || x.byteLength === n)

/** Decodes and validates a frame from a peer; never throws. */
export function parseMessage(bytes: Uint8Array): ParsedMessage {
  if (bytes.byteLength > MAX_FRAME_BYTES) return { type: 'rejected', reason: `frame of ${bytes.byteLength} bytes exceeds limit` }
  const events = eventViews(bytes)
  if (events) return { type: 'ok', message: { type: 'events', events } }
  let raw: unknown
  try {
    raw = decode(bytes, { strict: true, allowUndefined: false, allowIndefinite: false })
  } catch (err) {
    return { type: 'rejected', reason: `not CBOR: ${(err as Error).message}` }
  }
  if (!Array.isArray(raw) || raw.length < 2) return { type: 'rejected', reason: 'not a message array' }
  const [version, tag] = raw as unknown[]
  if (version !== PROTOCOL_VERSION) return { type: 'version-mismatch', version }
  switch (tag) {
    case TAG.hello: {
      const [, , replica, room, clock, heads] = raw as unknown[]
      if (raw.length !== 6 || !isBytes(replica, REPLICA_ID_BYTES) || !isBytes(room, ROOM_ID_BYTES)) {
        return { type: 'rejected', reason: 'malformed hello' }
      }
      if (!Array.isArray(clock) || clock.length > MAX_CLOCK_ENTRIES) return { type: 'rejected', reason: 'malformed clock' }
      const vv: AuthorClock = new Map()
      for (const entry of clock as unknown[]) {
        if (!Array.isArray(entry) || entry.length !== 2) return { type: 'rejected', reason: 'malformed clock entry' }
        const [author, lamport] = entry as unknown[]
        if (!isBytes(author, AUTHOR_KEY_BYTES) || !Number.isSafeInteger(lamport) || (lamport as number) < 1) {
          return { type: 'rejected', reason: 'malformed clock entry' }
        }
        const key = bytesToHex(author) as AuthorKey
        // A repeated key (the sender's own authors collided): trust the lower lamport.
        vv.set(key, Math.min(lamport as number, vv.get(key) ?? Infinity))
      }
      if (!Array.isArray(heads) || heads.length > MAX_HELLO_HEADS || !heads.every((h) => isBytes(h, EVENT_ID_BYTES))) {
        return { type: 'rejected', reason: 'malformed heads' }
      }
      return {
        type: 'ok',
        message: {
          type: 'hello',
          replica: bytesToHex(replica) as ReplicaId,
          room: bytesToHex(room) as RoomId,
          clock: vv,
          heads: (heads as Uint8Array[]).map((h) => bytesToHex(h) as EventId),
        },
      }
    }
    case TAG.catchUp: {
      const total = raw[2] as unknown
      if (raw.length !== 3 || !Number.isSafeInteger(total) || (total as number) < 0) {
        return { type: 'rejected', reason: 'malformed catch-up' }
      }
      return { type: 'ok', message: { type: 'catch-up', total: total as number } }
    }
    case TAG.events: {
      const list = raw[2] as unknown
      if (raw.length !== 3 || !Array.isArray(list) || !list.every((e) => isBytes(e))) {
        return { type: 'rejected', reason: 'malformed events' }
      }
      return { type: 'ok', message: { type: 'events', events: list as Uint8Array[] } }
    }
    case TAG.want: {
      const list = raw[2] as unknown
      if (raw.length !== 3 || !Array.isArray(list) || list.length > MAX_IDS_PER_WANT || !list.every((e) => isBytes(e, EVENT_ID_BYTES))) {
        return { type: 'rejected', reason: 'malformed want' }
      }
      return { type: 'ok', message: { type: 'want', ids: (list as Uint8Array[]).map((b) => bytesToHex(b) as EventId) } }
    }
    case TAG.refuse: {
      const reason = raw[2] as unknown
      if (raw.length !== 3 || typeof reason !== 'string') return { type: 'rejected', reason: 'malformed refuse' }
      return { type: 'ok', message: { type: 'refuse', reason: reason.slice(0, 500) } }
    }
    case TAG.ack: {
      const received = raw[2] as unknown
      if (raw.length !== 3 || !Number.isSafeInteger(received) || (received as number) < 0) return { type: 'rejected', reason: 'malformed ack' }
      return { type: 'ok', message: { type: 'ack', received: received as number } }
    }
    default:
      return { type: 'rejected', reason: `unknown message type ${JSON.stringify(String(tag)).slice(0, 40)}` }
  }
}

/**
 * Whether `bytes` looks like a current-version `events` frame, from its first three bytes
 * (CBOR array of 3, version, tag) without decoding it: lets the owner batch a run of
 * such frames into one input (replica-node.ts). parseMessage still checks it in full.
 */
export function isEventsFrame(bytes: Uint8Array): boolean {
  return bytes.byteLength > 3 && bytes[0] === 0x83 && bytes[1] === PROTOCOL_VERSION && bytes[2] === TAG.events
}

/**
 * The total a current-version `catch-up` frame announces; null for any other frame. Only
 * small frames are parsed (a catch-up frame is a few bytes), so passing each frame of a
 * catch-up through it costs nothing.
 */
export function catchUpTotal(bytes: Uint8Array): number | null {
  if (bytes.byteLength > 16 || bytes[0] !== 0x83 || bytes[1] !== PROTOCOL_VERSION || bytes[2] !== TAG.catchUp) return null
  const parsed = parseMessage(bytes)
  return parsed.type === 'ok' && parsed.message.type === 'catch-up' ? parsed.message.total : null
}

/**
 * The events of an `events` frame as views of `bytes`, read straight from its CBOR heads;
 * null for any other frame, and for any encoding but the plainest (parseMessage then
 * decodes it with cborg, which accepts or rejects it as before).
 *
 * A catch-up is almost all events frames (~2,000 events each). cborg gives each byte
 * string a copy of its own, an ArrayBuffer per event: in a Chromium CPU profile of a
 * 100k-event catch-up, decoding them took the log worker ~0.27 s, beside the GC work
 * of 100k short-lived buffers. Views need no copy: events are decoded from them at once
 * and only the decoded events are kept.
 *
 * Accepted here is exactly what strict cborg accepts for this shape: heads in their
 * shortest form (cbor-heads.ts; cborg's strict mode rejects others), definite lengths,
 * no bytes after.
 */
function eventViews(bytes: Uint8Array): Uint8Array[] | null {
  if (!isEventsFrame(bytes)) return null
  const r = new HeadReader(bytes, 3)
  const count = r.uint(MAJOR_ARRAY)
  if (count < 0) return null
  const out: Uint8Array[] = new Array(count)
  for (let i = 0; i < count; i++) {
    const size = r.uint(MAJOR_BYTES)
    const start = r.at
    if (size < 0 || !r.skip(size)) return null
    // A plain Uint8Array view even when `bytes` is a Node Buffer (whose subarray is a Buffer).
    out[i] = new Uint8Array(bytes.buffer, bytes.byteOffset + start, size)
  }
  return r.atEnd() ? out : null
}

/** Splits encoded events into `events` frames that each stay under MAX_FRAME_BYTES. */
export function packEvents(encoded: readonly Uint8Array[]): Uint8Array[] {
  const frames: Uint8Array[] = []
  let batch: Uint8Array[] = []
  let size = 0
  const budget = MAX_FRAME_BYTES - 64 // CBOR array and header overhead
  for (const e of encoded) {
    const cost = e.byteLength + 5
    if (batch.length > 0 && size + cost > budget) {
      frames.push(encodeMessage({ type: 'events', events: batch }))
      batch = []
      size = 0
    }
    batch.push(e)
    size += cost
  }
  if (batch.length > 0) frames.push(encodeMessage({ type: 'events', events: batch }))
  return frames
}

/** At most MAX_CLOCK_ENTRIES entries of a clock, the most recent authors first. */
function clockEntries(clock: AuthorClock): Array<[AuthorKey, number]> {
  const entries = [...clock]
  if (entries.length <= MAX_CLOCK_ENTRIES) return entries
  return entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_CLOCK_ENTRIES)
}
