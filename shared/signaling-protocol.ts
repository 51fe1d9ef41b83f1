/**
 * The signaling protocol, wire-compatible with y-webrtc's `bin/server.js`: JSON text frames
 * over one WebSocket, a topic-based publish/subscribe relay. The server never interprets
 * `data` (it may be ciphertext); it only fans it out.
 *
 *   client ── {type:'subscribe',   topics:[t, ...]} ──▶ server   join topics
 *   client ── {type:'unsubscribe', topics:[t, ...]} ──▶ server   leave topics
 *   client ── {type:'publish', topic:t, data} ───────▶ server ──▶ every subscriber of t,
 *                                                                sender included, as
 *             {type:'publish', topic:t, data, clients: <subscriber count>}
 *   client ── {type:'ping'} ─────────────────────────▶ server ──▶ {type:'pong'}
 *
 * Invariants of every message these guards accept:
 *  1. The frame is at most MAX_FRAME_BYTES long (checked on its UTF-16 length, which never
 *     exceeds its UTF-8 byte length; the server's WebSocket limit checks bytes).
 *  2. Topics are non-empty strings of at most MAX_TOPIC_LENGTH characters, and one message
 *     names at most MAX_TOPICS_PER_CONNECTION of them.
 *  3. Parsed messages are rebuilt field by field: unknown fields are never passed on.
 * The guards never throw: anything else is `{type:'rejected', reason}`, to be logged and dropped.
 */

/** Largest frame either side accepts (the server's WebSocket `maxPayload`). */
export const MAX_FRAME_BYTES = 256 * 1024
/** Most topics one connection may be subscribed to at once (and may name in one message). */
export const MAX_TOPICS_PER_CONNECTION = 64
/** Longest topic string, in UTF-16 code units. */
export const MAX_TOPIC_LENGTH = 256
/**
 * Bytes a relayed publish may grow by (the `clients` field). Clients keep their publish
 * frames within MAX_FRAME_BYTES − this, so the relayed frame still fits MAX_FRAME_BYTES.
 */
export const RELAY_OVERHEAD_BYTES = 64

/** Join topics: the server relays every publish on them to this connection. */
export interface SubscribeMessage {
  type: 'subscribe'
  topics: string[]
}

/** Leave topics. Unknown topics are ignored. */
export interface UnsubscribeMessage {
  type: 'unsubscribe'
  topics: string[]
}

/** Relay `data` to every subscriber of `topic`, the sender included. */
export interface PublishMessage {
  type: 'publish'
  topic: string
  data: unknown
}

/** Application-level keepalive; the server answers `{type:'pong'}`. */
export interface PingMessage {
  type: 'ping'
}

/** Every frame a client may send. */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage

/** A publish as relayed by the server, with the topic's subscriber count at relay time. */
export interface RelayedPublishMessage extends PublishMessage {
  clients: number
}

/** The server's answer to `{type:'ping'}`. */
export interface PongMessage {
  type: 'pong'
}

/** Every frame a server may send. */
export type ServerMessage = RelayedPublishMessage | PongMessage

/** Outcome of a guard: the validated message, or why the frame was refused. */
export type ParseResult<M> = { type: 'ok'; message: M } | { type: 'rejected'; reason: string }

const rejected = (reason: string): { type: 'rejected'; reason: string } => ({ type: 'rejected', reason })

/** JSON.parse plus the checks shared by both directions; never throws. */
function parseFrame(text: string): ParseResult<Record<string, unknown>> {
  if (text.length > MAX_FRAME_BYTES) return rejected(`frame of ${text.length} characters exceeds ${MAX_FRAME_BYTES}`)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    return rejected(`not JSON: ${(err as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return rejected('not a JSON object')
  const record = raw as Record<string, unknown>
  if (typeof record['type'] !== 'string') return rejected('missing string "type"')
  return { type: 'ok', message: record }
}

/** A topic is a non-empty string of at most MAX_TOPIC_LENGTH characters. */
export function isValidTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH
}

function parseTopics(raw: Record<string, unknown>): ParseResult<string[]> {
  const topics = raw['topics']
  if (!Array.isArray(topics)) return rejected(`${String(raw['type'])}: "topics" is not an array`)
  if (topics.length > MAX_TOPICS_PER_CONNECTION) {
    return rejected(`${String(raw['type'])}: ${topics.length} topics exceed ${MAX_TOPICS_PER_CONNECTION}`)
  }
  for (const topic of topics) {
    if (!isValidTopic(topic)) return rejected(`${String(raw['type'])}: invalid topic`)
  }
  return { type: 'ok', message: [...(topics as string[])] }
}

function parsePublish(raw: Record<string, unknown>): ParseResult<PublishMessage> {
  if (!isValidTopic(raw['topic'])) return rejected('publish: invalid topic')
  if (!('data' in raw)) return rejected('publish: missing "data"')
  return { type: 'ok', message: { type: 'publish', topic: raw['topic'], data: raw['data'] } }
}

/** Validates a text frame received by the server. Never throws. */
export function parseClientMessage(text: string): ParseResult<ClientMessage> {
  const frame = parseFrame(text)
  if (frame.type === 'rejected') return frame
  const raw = frame.message
  switch (raw['type']) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = parseTopics(raw)
      if (topics.type === 'rejected') return topics
      return { type: 'ok', message: { type: raw['type'], topics: topics.message } }
    }
    case 'publish':
      return parsePublish(raw)
    case 'ping':
      return { type: 'ok', message: { type: 'ping' } }
    default:
      return rejected(`unknown client message type ${JSON.stringify(raw['type']).slice(0, 40)}`)
  }
}

/** Validates a text frame received by a client. Never throws. */
export function parseServerMessage(text: string): ParseResult<ServerMessage> {
  const frame = parseFrame(text)
  if (frame.type === 'rejected') return frame
  const raw = frame.message
  switch (raw['type']) {
    case 'publish': {
      const publish = parsePublish(raw)
      if (publish.type === 'rejected') return publish
      const clients = raw['clients']
      if (typeof clients !== 'number' || !Number.isSafeInteger(clients) || clients < 1) {
        return rejected('publish: "clients" is not a positive integer')
      }
      return { type: 'ok', message: { ...publish.message, clients } }
    }
    case 'pong':
      return { type: 'ok', message: { type: 'pong' } }
    default:
      return rejected(`unknown server message type ${JSON.stringify(raw['type']).slice(0, 40)}`)
  }
}

/** Serializes a message for the wire (one text frame). */
export function encodeSignalingMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message)
}
