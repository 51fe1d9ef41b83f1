/**
 * The peerlog server: one Node http server that serves the app and relays signaling.
 *
 *   http request ──▶ /config.json: the ICE servers configured at startup (ice-config.ts)
 *                    anything else: handler (static files from dist/ with SPA fallback, or Vite in dev)
 *   ws upgrade   ──▶ SignalingHub: y-webrtc's topic relay (shared/signaling-protocol.ts)
 *                    any path, except upgrades `ignoreUpgrade` leaves to another listener
 *
 * Invariants:
 *  1. No frame can crash the process: every frame is validated, and every socket has an
 *     'error' listener (ws reports oversize frames there, then closes with 1009).
 *  2. All state (topics, connections, timers) lives in the instance; two servers in one
 *     process (tests) share nothing.
 *  3. A connection is terminated when it has not answered the previous WebSocket ping by
 *     the next one (every `pingIntervalMs`), or when it stops reading what is sent to it.
 *  4. Topics map to live subscribers only: a topic with no subscriber is deleted.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pipeline, type Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import {
  MAX_FRAME_BYTES,
  MAX_TOPICS_PER_CONNECTION,
  encodeSignalingMessage,
  parseClientMessage,
  type ServerMessage,
} from '../shared/signaling-protocol.ts'
import type { IceServer } from './ice-config.ts'

/** Where the server reports what it drops and why; `console` fits. */
export interface Logger {
  info(message: string, context?: object): void
  warn(message: string, context?: object): void
  error(message: string, context?: object): void
}

/** Answers plain http requests (not upgrades). */
export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** Options of startSignalingServer. */
export interface SignalingServerOptions {
  /** Port to listen on; 0 picks a free one (see the returned `port`). */
  port: number
  /** Interface to bind, e.g. 127.0.0.1 or 0.0.0.0. */
  host: string
  /** Serve the built app from this directory (index.html, SPA fallback). */
  staticDir?: string
  /** STUN/TURN servers published to clients at /config.json (ice-config.ts). Default: none. */
  iceServers?: readonly IceServer[]
  /** Answer http requests with this instead of static files (dev: Vite's middlewares). */
  handler?: RequestHandler
  /** Use this not-yet-listening http server instead of a new one (dev: shared with Vite HMR). */
  httpServer?: http.Server
  /** Upgrades for which this returns true are left to another 'upgrade' listener (dev: Vite HMR). */
  ignoreUpgrade?: (req: http.IncomingMessage) => boolean
  /** Interval of WebSocket-level pings; a connection silent for one whole interval is closed. Default 30 s. */
  pingIntervalMs?: number
  /** Defaults to console. */
  log?: Logger
  /** Sees every received text frame before validation (tests: the server never sees plaintext). */
  onFrame?: (text: string) => void
}

/** Counts for health checks and tests. */
export interface SignalingStats {
  /** Open WebSocket connections. */
  connections: number
  /** Topics with at least one subscriber. */
  topics: number
  /** (connection, topic) pairs. */
  subscriptions: number
}

/** A listening server. */
export interface RunningSignalingServer {
  /** The port actually bound (useful with port 0). */
  port: number
  /** http:// URL of the app. */
  url: string
  /** ws:// URL for signaling clients. */
  wsUrl: string
  /** Terminates every connection and stops listening. */
  close(): Promise<void>
  /** Current connection and topic counts. */
  stats(): SignalingStats
}

const DEFAULT_PING_INTERVAL_MS = 30_000
/** A subscriber that has this much unsent data is not reading; it is dropped rather than buffered. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/** Rejected frames logged per connection before the rest are only counted. */
const MAX_LOGGED_REJECTIONS = 5

interface Peer {
  readonly remote: string
  readonly topics: Set<string>
  /** A pong (or the connection itself) arrived since the last ping. */
  alive: boolean
  rejections: number
}

/** The topic relay over a set of WebSocket connections. */
class SignalingHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false })
  private readonly peers = new Map<WebSocket, Peer>()
  private readonly topics = new Map<string, Set<WebSocket>>()
  private readonly pingTimer: ReturnType<typeof setInterval>

  constructor(
    private readonly log: Logger,
    pingIntervalMs: number,
    private readonly onFrame: ((text: string) => void) | undefined,
  ) {
    this.wss.on('error', (err) => this.log.error('signaling: WebSocket server error', { message: err.message }))
    this.pingTimer = setInterval(() => this.pingAll(), pingIntervalMs)
  }

  /** Completes a WebSocket handshake and starts relaying for it. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req))
  }

  stats(): SignalingStats {
    let subscriptions = 0
    for (const peer of this.peers.values()) subscriptions += peer.topics.size
    return { connections: this.peers.size, topics: this.topics.size, subscriptions }
  }

  close(): void {
    clearInterval(this.pingTimer)
    for (const ws of this.peers.keys()) ws.terminate()
    this.wss.close()
  }

  private accept(ws: WebSocket, req: http.IncomingMessage): void {
    const peer: Peer = { remote: `${req.socket.remoteAddress}:${req.socket.remotePort}`, topics: new Set(), alive: true, rejections: 0 }
    this.peers.set(ws, peer)
    ws.on('pong', () => {
      peer.alive = true
    })
    // Oversize frames (1009), invalid UTF-8 (1007) and socket resets land here; ws closes the socket itself.
    ws.on('error', (err: Error & { code?: string }) => this.log.warn('signaling: connection error', { remote: peer.remote, code: err.code, message: err.message }))
    ws.on('close', () => this.forget(ws, peer))
    ws.on('message', (data, isBinary) => this.receive(ws, peer, data, isBinary))
  }

  private forget(ws: WebSocket, peer: Peer): void {
    for (const topic of peer.topics) this.leave(ws, topic)
    peer.topics.clear()
    this.peers.delete(ws)
  }

  private leave(ws: WebSocket, topic: string): void {
    const subscribers = this.topics.get(topic)
    if (subscribers === undefined) return
    subscribers.delete(ws)
    if (subscribers.size === 0) this.topics.delete(topic)
  }

  private reject(peer: Peer, reason: string): void {
    peer.rejections++
    if (peer.rejections <= MAX_LOGGED_REJECTIONS) this.log.warn('signaling: dropped frame', { remote: peer.remote, reason })
    if (peer.rejections === MAX_LOGGED_REJECTIONS) this.log.warn('signaling: further dropped frames from this connection are not logged', { remote: peer.remote })
  }

  private receive(ws: WebSocket, peer: Peer, data: RawData, isBinary: boolean): void {
    if (isBinary) return this.reject(peer, 'binary frame')
    const text = rawDataToString(data)
    if (this.onFrame !== undefined) {
      try {
        this.onFrame(text)
      } catch (err) {
        this.log.error('signaling: onFrame tap threw', { message: (err as Error).message })
      }
    }
    const parsed = parseClientMessage(text)
    if (parsed.type === 'rejected') return this.reject(peer, parsed.reason)
    const message = parsed.message
    switch (message.type) {
      case 'subscribe': {
        const added = message.topics.filter((t) => !peer.topics.has(t))
        if (peer.topics.size + new Set(added).size > MAX_TOPICS_PER_CONNECTION) {
          return this.reject(peer, `subscribe would exceed ${MAX_TOPICS_PER_CONNECTION} topics`)
        }
        for (const topic of added) {
          peer.topics.add(topic)
          let subscribers = this.topics.get(topic)
          if (subscribers === undefined) this.topics.set(topic, (subscribers = new Set()))
          subscribers.add(ws)
        }
        return
      }
      case 'unsubscribe':
        for (const topic of message.topics) {
          if (peer.topics.delete(topic)) this.leave(ws, topic)
        }
        return
      case 'publish': {
        const receivers = this.topics.get(message.topic)
        if (receivers === undefined) return
        const frame = encodeSignalingMessage({ type: 'publish', topic: message.topic, data: message.data, clients: receivers.size })
        // Re-serialization can grow a frame (1E5 → 100000); keep the limit for receivers too.
        if (Buffer.byteLength(frame) > MAX_FRAME_BYTES) return this.reject(peer, 'relayed publish would exceed MAX_FRAME_BYTES')
        for (const receiver of receivers) this.send(receiver, frame)
        return
      }
      case 'ping':
        return this.send(ws, encodeSignalingMessage({ type: 'pong' } satisfies ServerMessage))
    }
  }

  private send(ws: WebSocket, frame: string): void {
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn('signaling: dropping a connection that does not read', { remote: this.peers.get(ws)?.remote, buffered: ws.bufferedAmount })
      ws.terminate()
      return
    }
    ws.send(frame, (err) => {
      if (err) this.log.warn('signaling: send failed', { remote: this.peers.get(ws)?.remote, message: err.message })
    })
  }

  private pingAll(): void {
    for (const [ws, peer] of this.peers) {
      if (!peer.alive) {
        this.log.info('signaling: closing a connection that missed its pong', { remote: peer.remote })
        ws.terminate()
        continue
      }
      peer.alive = false
      try {
        ws.ping()
      } catch (err) {
        this.log.warn('signaling: ping failed', { remote: peer.remote, message: (err as Error).message })
        ws.terminate()
      }
    }
  }
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
}

/** Where clients fetch their runtime configuration (client/net/ice-config.ts). */
export const CONFIG_PATH = '/config.json'

/**
 * Answers `GET /config.json` with `{ iceServers }`. `no-cache`: a TURN credential rotated
 * on the server reaches clients on their next start (the service worker keeps the last
 * copy for when the server is down).
 */
function serveConfig(iceServers: readonly IceServer[], req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    return sendText(res, 405, 'Method Not Allowed')
  }
  const body = JSON.stringify({ iceServers })
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/**
 * Cache-Control of a static file:
 *  - sw.js, sw-*.js and workbox-*.js (the service worker and what it imports): `no-cache`,
 *    always revalidated, or browsers would keep running an old worker and miss new builds;
 *  - hashed build output under assets/: immutable for a year (a new build has new names);
 *  - everything else (index.html, manifest.webmanifest, icons): `no-cache`.
 */
function cacheControlFor(root: string, file: string): string {
  const name = path.basename(file)
  if (name === 'sw.js' || /^(sw|workbox)-[\w.-]+\.js$/.test(name)) return 'no-cache'
  if (name === 'index.html') return 'no-cache'
  return file.startsWith(path.join(root, 'assets') + path.sep) ? 'public, max-age=31536000, immutable' : 'no-cache'
}

/**
 * Serves files under `staticDir`: GET/HEAD only; `/` and unknown extension-less paths
 * (client routes such as `/r/abc123`) get index.html; `..` segments are refused with 400
 * before any file system access.
 */
export function createStaticHandler(staticDir: string, log: Logger = console): RequestHandler {
  const root = path.resolve(staticDir)
  return (req, res) => {
    serveStatic(root, req, res).catch((err: unknown) => {
      log.error('static: request failed', { url: req.url, message: (err as Error).message })
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error')
      else res.destroy()
    })
  }
}

function sendText(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

async function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD')
    return sendText(res, 405, 'Method Not Allowed')
  }
  // The raw path, not WHATWG-URL-normalized, so `/../` is seen (and refused) rather than silently resolved.
  const rawPath = (req.url ?? '/').split('?')[0] ?? '/'
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return sendText(res, 400, 'Bad Request: malformed path')
  }
  const segments = decoded.split(/[/\\]/)
  if (!decoded.startsWith('/') || decoded.includes('\0') || segments.includes('..')) return sendText(res, 400, 'Bad Request: invalid path')

  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded
  let file = path.resolve(root, `.${relative}`)
  if (!file.startsWith(root + path.sep)) return sendText(res, 400, 'Bad Request: invalid path')

  let info = await statFile(file)
  if (info === undefined) {
    const last = segments[segments.length - 1] ?? ''
    if (path.extname(last) !== '') return sendText(res, 404, 'Not Found')
    file = path.join(root, 'index.html') // SPA fallback: a client-side route
    info = await statFile(file)
    if (info === undefined) return sendText(res, 404, 'Not Found')
  }

  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': cacheControlFor(root, file),
    'X-Content-Type-Options': 'nosniff',
  })
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  await new Promise<void>((resolve, reject) => {
    pipeline(createReadStream(file), res, (err) => (err ? reject(err) : resolve()))
  })
}

async function statFile(file: string): Promise<{ size: number } | undefined> {
  try {
    const info = await stat(file)
    return info.isFile() ? info : undefined
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return undefined
    throw err
  }
}

/** Starts the http + signaling server; resolves once it is listening. */
export async function startSignalingServer(opts: SignalingServerOptions): Promise<RunningSignalingServer> {
  if (opts.staticDir !== undefined && opts.handler !== undefined) throw new Error('startSignalingServer: pass staticDir or handler, not both')
  const log = opts.log ?? console
  const handler: RequestHandler =
    opts.handler ?? (opts.staticDir !== undefined ? createStaticHandler(opts.staticDir, log) : (_req, res) => sendText(res, 200, 'peerlog signaling server\n'))
  const iceServers = opts.iceServers ?? []
  const server = opts.httpServer ?? http.createServer()
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if ((req.url ?? '/').split('?')[0] === CONFIG_PATH) serveConfig(iceServers, req, res)
    else handler(req, res)
  })

  const hub = new SignalingHub(log, opts.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS, opts.onFrame)
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (opts.ignoreUpgrade?.(req) === true) return
    hub.handleUpgrade(req, socket, head)
  })

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (err) {
    hub.close()
    throw err
  }
  server.on('error', (err) => log.error('http server error', { message: err.message }))

  const port = (server.address() as AddressInfo).port
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return {
    port,
    url: `http://${hostInUrl}:${port}/`,
    wsUrl: `ws://${hostInUrl}:${port}/`,
    stats: () => hub.stats(),
    close: async () => {
      hub.close()
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
    },
  }
}
