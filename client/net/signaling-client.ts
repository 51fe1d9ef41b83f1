/**
 * SignalingClient: one WebSocket to a y-webrtc-compatible signaling server
 * (shared/signaling-protocol.ts), kept alive and reconnected.
 *
 *          connect()                 open: subscribe(topics)
 *   offline ───────▶ connecting ─────────────────────────▶ online
 *      ▲                 │  ▲                                  │
 *      │ close()         │  └── backoff timer ◀── offline ◀────┘ socket closed, or nothing
 *      └─────────────────┴──────────────────────────────────────  heard for silenceTimeoutMs
 *
 * Invariants:
 *  1. At most one socket at a time; events of a replaced socket are ignored.
 *  2. While online a `{type:'ping'}` goes out every pingIntervalMs; the server's pong keeps
 *     the silence watchdog quiet. The watchdog also bounds a stuck handshake.
 *  3. Reconnect delays use exponential backoff with full jitter, reset by a successful open.
 *  4. `publish` never queues: offline it returns false, and the owner re-announces when
 *     `status` turns 'online' again.
 *  5. Every server frame passes parseServerMessage; others are logged and dropped.
 * Runs in browsers and Node: the WebSocket constructor is injectable.
 */
import {
  MAX_FRAME_BYTES,
  MAX_TOPICS_PER_CONNECTION,
  RELAY_OVERHEAD_BYTES,
  encodeSignalingMessage,
  isValidTopic,
  parseServerMessage,
  type ClientMessage,
} from '../../shared/signaling-protocol.ts'

/** Method-style signature so DOM and `ws` handler types (narrower events) both fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack']

/** The part of the WebSocket API this client uses; the DOM's and `ws`'s both fit. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: Handler<unknown> | null
  onmessage: Handler<{ data: unknown }> | null
  onclose: Handler<{ code: number; reason: string }> | null
  onerror: Handler<unknown> | null
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `ws`'s `WebSocket` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike

/** Connection state as the UI shows it. */
export type SignalingStatus = 'connecting' | 'online' | 'offline'

/** A publish relayed by the server. */
export interface SignalingDelivery {
  topic: string
  data: unknown
  /** Subscribers of the topic when the server relayed it, this client included. */
  clients: number
}

/** Events of SignalingClient and their payloads. */
export interface SignalingClientEvents {
  /** The connection state changed. */
  status: SignalingStatus
  /** A publish arrived on one of the topics (own publishes come back too). */
  message: SignalingDelivery
  /** A socket error or a rejected server frame; the client recovers by itself. */
  error: Error
  /** The connection was lost (or never made): the next attempt starts after `delayMs`. */
  reconnect: ReconnectPlan
}

/** A scheduled reconnection, for the UI's "reconnecting in 4 s" line. */
export interface ReconnectPlan {
  /** 1 for the first retry after a loss, counting up until an open resets it. */
  attempt: number
  delayMs: number
  /** Date.now() when the attempt starts. */
  at: number
}

/** Where the client reports what it drops; `console` fits. */
export interface SignalingClientLogger {
  info(message: string, context?: object): void
  warn(message: string, context?: object): void
}

/** Options of SignalingClient. Timings default to the production values. */
export interface SignalingClientOptions {
  /** ws:// or wss:// URL of the signaling server. */
  url: string
  /** Topics to subscribe to on every (re)connect. */
  topics: string[]
  /** Defaults to globalThis.WebSocket. */
  WebSocketImpl?: WebSocketConstructor
  /** Reconnect delay: random in [0, min(capMs, baseMs · 2^attempt)). Defaults 500 ms and 30 s. */
  backoff?: { baseMs?: number; capMs?: number }
  /** Ping period (default 20 s) and how long silence means a dead connection (default 30 s). */
  keepalive?: { pingIntervalMs?: number; silenceTimeoutMs?: number }
  /** Source of jitter in [0, 1); defaults to Math.random. */
  random?: () => number
  /** Defaults to console. */
  log?: SignalingClientLogger
}

const OPEN = 1

type Listeners = { [K in keyof SignalingClientEvents]: Set<(payload: SignalingClientEvents[K]) => void> }

/** A self-healing subscription to signaling topics. */
export class SignalingClient {
  private readonly url: string
  private readonly topics: readonly string[]
  private readonly WebSocketImpl: WebSocketConstructor
  private readonly baseMs: number
  private readonly capMs: number
  private readonly pingIntervalMs: number
  private readonly silenceTimeoutMs: number
  private readonly random: () => number
  private readonly log: SignalingClientLogger
  private readonly listeners: Listeners = { status: new Set(), message: new Set(), error: new Set(), reconnect: new Set() }

  private socket: WebSocketLike | undefined
  private currentStatus: SignalingStatus = 'offline'
  /** connect() called and close() not since. */
  private wanted = false
  private attempt = 0
  private lastHeard = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private pingTimer: ReturnType<typeof setInterval> | undefined
  private watchdogTimer: ReturnType<typeof setTimeout> | undefined
  private plannedReconnect: ReconnectPlan | null = null

  constructor(opts: SignalingClientOptions) {
    if (opts.topics.length > MAX_TOPICS_PER_CONNECTION || !opts.topics.every(isValidTopic)) {
      throw new Error(`SignalingClient: topics must be at most ${MAX_TOPICS_PER_CONNECTION} valid topic strings`)
    }
    const Impl = opts.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
    if (Impl === undefined) throw new Error('SignalingClient: no WebSocket implementation (pass WebSocketImpl)')
    this.url = opts.url
    this.topics = [...opts.topics]
    this.WebSocketImpl = Impl
    this.baseMs = opts.backoff?.baseMs ?? 500
    this.capMs = opts.backoff?.capMs ?? 30_000
    this.pingIntervalMs = opts.keepalive?.pingIntervalMs ?? 20_000
    this.silenceTimeoutMs = opts.keepalive?.silenceTimeoutMs ?? 30_000
    this.random = opts.random ?? Math.random
    this.log = opts.log ?? console
  }

  /** The current connection state. */
  get status(): SignalingStatus {
    return this.currentStatus
  }

  /** The reconnection waiting to start, if any. */
  get pendingReconnect(): ReconnectPlan | null {
    return this.plannedReconnect
  }

  /** Subscribes `fn` to `event`; returns the unsubscribe function. */
  on<K extends keyof SignalingClientEvents>(event: K, fn: (payload: SignalingClientEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(payload: SignalingClientEvents[K]) => void>
    set.add(fn)
    return () => set.delete(fn)
  }

  /** Starts connecting (and reconnecting until close()). Idempotent. */
  connect(): void {
    if (this.wanted) return
    this.wanted = true
    this.attempt = 0
    this.open()
  }

  /** Sends a publish if online; returns false (and sends nothing) otherwise or if too large. */
  publish(topic: string, data: unknown): boolean {
    if (this.currentStatus !== 'online') return false
    if (!isValidTopic(topic)) throw new Error('SignalingClient.publish: invalid topic')
    const frame = encodeSignalingMessage({ type: 'publish', topic, data })
    const limit = MAX_FRAME_BYTES - RELAY_OVERHEAD_BYTES
    // UTF-8 takes at most 3 bytes per UTF-16 unit: encode only when that bound is inconclusive.
    if (frame.length * 3 > limit && new TextEncoder().encode(frame).byteLength > limit) {
      this.log.warn('signaling: publish too large, not sent', { topic, chars: frame.length })
      return false
    }
    return this.sendFrame(frame)
  }

  /** Closes the connection and stops reconnecting; connect() starts again. */
  close(): void {
    this.wanted = false
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    this.plannedReconnect = null
    this.dropSocket()
    this.setStatus('offline')
  }

  private open(): void {
    this.reconnectTimer = undefined
    this.plannedReconnect = null
    this.setStatus('connecting')
    let socket: WebSocketLike
    try {
      socket = new this.WebSocketImpl(this.url)
    } catch (err) {
      // e.g. a malformed URL: report, and retry like any other failure.
      this.emit('error', err instanceof Error ? err : new Error(String(err)))
      this.setStatus('offline')
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    this.lastHeard = Date.now()
    this.armWatchdog(this.silenceTimeoutMs)
    socket.onopen = () => this.onOpen()
    socket.onmessage = (event) => this.onMessage(event.data)
    socket.onclose = (event) => {
      this.log.info('signaling: connection closed', { url: this.url, code: event.code, reason: event.reason })
      this.onLost()
    }
    socket.onerror = () => this.emit('error', new Error(`signaling: WebSocket error on ${this.url}`))
  }

  private onOpen(): void {
    this.attempt = 0
    this.lastHeard = Date.now()
    if (this.topics.length > 0) this.sendMessage({ type: 'subscribe', topics: [...this.topics] })
    this.pingTimer = setInterval(() => this.sendMessage({ type: 'ping' }), this.pingIntervalMs)
    this.setStatus('online')
  }

  private onMessage(data: unknown): void {
    this.lastHeard = Date.now()
    if (typeof data !== 'string') return this.rejectFrame('binary frame')
    const parsed = parseServerMessage(data)
    if (parsed.type === 'rejected') return this.rejectFrame(parsed.reason)
    const message = parsed.message
    if (message.type === 'publish') this.emit('message', { topic: message.topic, data: message.data, clients: message.clients })
  }

  private rejectFrame(reason: string): void {
    this.log.warn('signaling: dropped server frame', { url: this.url, reason })
    this.emit('error', new Error(`signaling: dropped server frame: ${reason}`))
  }

  /** The socket closed or went silent: forget it, go offline, retry later. */
  private onLost(): void {
    this.dropSocket()
    if (!this.wanted) return
    this.setStatus('offline')
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    const delay = Math.floor(this.random() * Math.min(this.capMs, this.baseMs * 2 ** this.attempt))
    this.attempt = Math.min(this.attempt + 1, 30) // 2^30 · base is past any cap; keeps the power finite
    this.reconnectTimer = setTimeout(() => this.open(), delay)
    this.plannedReconnect = { attempt: this.attempt, delayMs: delay, at: Date.now() + delay }
    this.emit('reconnect', this.plannedReconnect)
  }

  /** Fires when nothing was heard for silenceTimeoutMs; re-arms lazily instead of on every frame. */
  private armWatchdog(ms: number): void {
    this.watchdogTimer = setTimeout(() => {
      const silent = Date.now() - this.lastHeard
      if (silent < this.silenceTimeoutMs) return this.armWatchdog(this.silenceTimeoutMs - silent)
      this.log.info('signaling: no frame for too long, reconnecting', { url: this.url, silentMs: silent })
      this.onLost()
    }, ms)
  }

  /** Detaches and closes the current socket, if any, and stops its timers. */
  private dropSocket(): void {
    clearInterval(this.pingTimer)
    clearTimeout(this.watchdogTimer)
    this.pingTimer = undefined
    this.watchdogTimer = undefined
    const socket = this.socket
    if (socket === undefined) return
    this.socket = undefined
    socket.onopen = null
    socket.onmessage = null
    socket.onclose = null
    // Keep an error handler: `ws` throws on an 'error' nobody listens to (closing while connecting emits one).
    socket.onerror = () => this.log.info('signaling: error on a discarded socket', { url: this.url })
    try {
      socket.close(1000, 'client closing')
    } catch (err) {
      this.log.warn('signaling: closing the socket failed', { url: this.url, message: (err as Error).message })
    }
  }

  private sendMessage(message: ClientMessage): boolean {
    return this.sendFrame(encodeSignalingMessage(message))
  }

  private sendFrame(frame: string): boolean {
    const socket = this.socket
    if (socket === undefined || socket.readyState !== OPEN) return false
    try {
      socket.send(frame)
      return true
    } catch (err) {
      this.log.warn('signaling: send failed', { url: this.url, message: (err as Error).message })
      return false
    }
  }

  private setStatus(status: SignalingStatus): void {
    if (status === this.currentStatus) return
    this.currentStatus = status
    this.emit('status', status)
  }

  private emit<K extends keyof SignalingClientEvents>(event: K, payload: SignalingClientEvents[K]): void {
    for (const fn of [...this.listeners[event]] as Array<(payload: SignalingClientEvents[K]) => void>) {
      try {
        fn(payload)
      } catch (err) {
        this.log.warn(`signaling: a '${event}' listener threw`, { message: (err as Error).message })
      }
    }
  }
}
