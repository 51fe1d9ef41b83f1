/**
 * The signaling server over real sockets: relay semantics, keepalive, hostile frames, and
 * static file serving. Absence of a relay is proven by ordering, not by waiting: a client
 * that gets its pong without a publish before it cannot have been sent that publish.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { MAX_FRAME_BYTES, MAX_TOPICS_PER_CONNECTION, type ServerMessage } from '../../shared/signaling-protocol.ts'
import { type Logger, type RunningSignalingServer, startSignalingServer } from '../../signaling/server.ts'

interface Recorder extends Logger {
  lines: string[]
}
const recorder = (): Recorder => {
  const lines: string[] = []
  const push = (message: string): void => {
    lines.push(message)
  }
  return { lines, info: push, warn: push, error: push }
}

/** A raw `ws` client with an inbox of parsed server messages. */
class TestClient {
  readonly inbox: ServerMessage[] = []
  private waiters: Array<() => void> = []
  readonly closed: Promise<number>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as ServerMessage)
      for (const wake of this.waiters.splice(0)) wake()
    })
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)))
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const ws = new WebSocket(url, options)
    const client = new TestClient(ws)
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    return client
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  async next(): Promise<ServerMessage> {
    while (this.inbox.length === 0) await new Promise<void>((wake) => this.waiters.push(wake))
    return this.inbox.shift() as ServerMessage
  }

  /** Sends a ping and returns everything that arrived before its pong. */
  async roundTrip(): Promise<ServerMessage[]> {
    this.send({ type: 'ping' })
    const before: ServerMessage[] = []
    for (let m = await this.next(); m.type !== 'pong'; m = await this.next()) before.push(m)
    return before
  }
}

describe('signaling relay', () => {
  let server: RunningSignalingServer
  let log: Recorder
  let frames: string[]
  const clients: TestClient[] = []
  const open = async (pathname = '/', options?: WebSocket.ClientOptions): Promise<TestClient> => {
    const client = await TestClient.open(new URL(pathname, server.wsUrl).href, options)
    clients.push(client)
    return client
  }
  const subscribed = async (...topics: string[]): Promise<TestClient> => {
    const client = await open()
    client.send({ type: 'subscribe', topics })
    await client.roundTrip()
    return client
  }

  beforeEach(async () => {
    log = recorder()
    frames = []
    server = await startSignalingServer({ port: 0, host: '127.0.0.1', log, onFrame: (text) => frames.push(text) })
  })
  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate()
    await server.close()
  })

  it('listens on a real ephemeral port when asked for port 0', () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}/`)
  })

  it('relays a publish to every subscriber of the topic, sender included, with the subscriber count', async () => {
    const [a, b, other] = [await subscribed('room'), await subscribed('room'), await subscribed('elsewhere')]
    a.send({ type: 'publish', topic: 'room', data: { type: 'announce', from: 'a' } })
    const expected = { type: 'publish', topic: 'room', data: { type: 'announce', from: 'a' }, clients: 2 }
    expect(await a.next()).toEqual(expected)
    expect(await b.next()).toEqual(expected)
    expect(await other.roundTrip()).toEqual([])
  })

  it('relays a publish from a connection not subscribed to the topic, as y-webrtc does', async () => {
    const [listener, outsider] = [await subscribed('room'), await subscribed()]
    outsider.send({ type: 'publish', topic: 'room', data: 'x' })
    expect(await listener.next()).toEqual({ type: 'publish', topic: 'room', data: 'x', clients: 1 })
    expect(await outsider.roundTrip()).toEqual([])
  })

  it('stops relaying to a connection after it unsubscribes', async () => {
    const [a, b] = [await subscribed('room'), await subscribed('room')]
    b.send({ type: 'unsubscribe', topics: ['room', 'never-subscribed'] })
    await b.roundTrip()
    a.send({ type: 'publish', topic: 'room', data: 1 })
    expect(await a.next()).toMatchObject({ data: 1, clients: 1 })
    expect(await b.roundTrip()).toEqual([])
    expect(server.stats()).toEqual({ connections: 2, topics: 1, subscriptions: 1 })
  })

  it('answers ping with pong', async () => {
    const client = await open()
    client.send({ type: 'ping' })
    expect(await client.next()).toEqual({ type: 'pong' })
  })

  it('accepts signaling upgrades on any path', async () => {
    const client = await open('/any/path?room=1')
    expect(await client.roundTrip()).toEqual([])
  })

  it('counts connections, topics and subscriptions, and forgets a connection once it closes', async () => {
    const a = await subscribed('t1', 't2')
    await subscribed('t2')
    expect(server.stats()).toEqual({ connections: 2, topics: 2, subscriptions: 3 })
    a.ws.close()
    await a.closed
    await expect.poll(() => server.stats()).toEqual({ connections: 1, topics: 1, subscriptions: 1 })
  })

  it(`refuses a subscribe that would take a connection past ${MAX_TOPICS_PER_CONNECTION} topics`, async () => {
    const topics = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `t${from + i}`)
    const client = await subscribed(...topics(0, MAX_TOPICS_PER_CONNECTION - 1))
    client.send({ type: 'subscribe', topics: topics(MAX_TOPICS_PER_CONNECTION - 1, 2) })
    client.send({ type: 'subscribe', topics: topics(0, 3) }) // already subscribed: adds nothing
    await client.roundTrip()
    expect(server.stats().subscriptions).toBe(MAX_TOPICS_PER_CONNECTION - 1)
    expect(log.lines.some((l) => l.includes('dropped frame'))).toBe(true)
  })

  it('shows every received text frame to the onFrame tap', async () => {
    const client = await open()
    client.send({ type: 'publish', topic: 'nobody', data: 'ciphertext' })
    await client.roundTrip()
    expect(frames).toEqual(['{"type":"publish","topic":"nobody","data":"ciphertext"}', '{"type":"ping"}'])
  })

  it('drops malformed JSON, non-object JSON, wrong shapes and binary frames, keeping the connection', async () => {
    const [client, peer] = [await subscribed('room'), await subscribed('room')]
    for (const bad of ['{"type":', 'null', '42', '[]', '"ping"', '{"type":"subscribe","topics":[1]}', '{"type":"publish"}', '{"type":"nope"}']) {
      client.send(bad)
    }
    client.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true })
    expect(await client.roundTrip()).toEqual([])
    client.send({ type: 'publish', topic: 'room', data: 'still here' })
    expect(await peer.next()).toMatchObject({ data: 'still here', clients: 2 })
    expect(log.lines.filter((l) => l.startsWith('signaling: dropped frame'))).toHaveLength(5) // then throttled
  })

  it('closes only the connection that sends a frame over MAX_FRAME_BYTES, with code 1009', async () => {
    const [big, a, b] = [await subscribed('room'), await subscribed('room'), await subscribed('room')]
    big.send({ type: 'publish', topic: 'room', data: 'x'.repeat(MAX_FRAME_BYTES) })
    expect(await big.closed).toBe(1009)
    a.send({ type: 'publish', topic: 'room', data: 'after' })
    expect(await b.next()).toMatchObject({ data: 'after', clients: 2 })
  })

  it('does not relay a publish whose re-serialized form would exceed MAX_FRAME_BYTES', async () => {
    const [sender, receiver] = [await subscribed('room'), await subscribed('room')]
    // `1e20` re-serializes as 100000000000000000000: under the limit in, four times over it out.
    const amplified = `{"type":"publish","topic":"room","data":[${Array(40_000).fill('1e20').join(',')}]}`
    expect(amplified.length).toBeLessThan(MAX_FRAME_BYTES)
    sender.send(amplified)
    expect(await sender.roundTrip()).toEqual([])
    expect(await receiver.roundTrip()).toEqual([])
  })

  it('survives 10k garbage frames and still relays', async () => {
    const [noisy, peer] = [await subscribed('room'), await subscribed('room')]
    let seed = 42
    const rand = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 10_000; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)))
      if (i % 3 === 0) noisy.ws.send(bytes, { binary: true })
      else if (i % 3 === 1) noisy.send(bytes.toString('latin1'))
      else noisy.send({ type: ['publish', 'subscribe', 'unsubscribe', 'x'][i % 4], topic: i, topics: [i], data: bytes.toString('hex') })
    }
    expect(await noisy.roundTrip()).toEqual([])
    peer.send({ type: 'publish', topic: 'room', data: 'ok' })
    expect(await noisy.next()).toMatchObject({ data: 'ok', clients: 2 })
    expect(log.lines.length).toBeLessThan(10)
  })
})

describe('signaling keepalive', () => {
  let server: RunningSignalingServer
  beforeAll(async () => {
    server = await startSignalingServer({ port: 0, host: '127.0.0.1', pingIntervalMs: 100, log: recorder() })
  })
  afterAll(() => server.close())

  it('terminates a connection that does not answer WebSocket pings, and keeps one that does', async () => {
    const healthy = await TestClient.open(server.wsUrl)
    const mute = await TestClient.open(server.wsUrl, { autoPong: false })
    const started = Date.now()
    expect(await mute.closed).toBe(1006) // terminated, no close frame
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN)
    expect(await healthy.roundTrip()).toEqual([])
    expect(server.stats().connections).toBe(1)
    healthy.ws.terminate()
  })
})

describe('static files', () => {
  let dir: string
  let server: RunningSignalingServer
  const INDEX = '<!doctype html><title>peerlog</title>'

  /** A raw request: unlike fetch, keeps `..` segments as written. */
  const request = (pathname: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
      req.on('error', reject)
      req.end()
    })

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'peerlog-static-'))
    await writeFile(path.join(dir, 'secret.txt'), 'TOP SECRET')
    await mkdir(path.join(dir, 'dist', 'assets'), { recursive: true })
    await writeFile(path.join(dir, 'dist', 'index.html'), INDEX)
    await writeFile(path.join(dir, 'dist', 'manifest.webmanifest'), '{}')
    for (const name of ['app-1a2b.js', 'worker.mjs', 'app.css', 'sqlite.wasm', 'logo.svg']) {
      await writeFile(path.join(dir, 'dist', 'assets', name), `content of ${name}`)
    }
    server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: path.join(dir, 'dist'), log: recorder() })
  })
  afterAll(async () => {
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves index.html at / with Cache-Control: no-cache', async () => {
    const res = await request('/')
    expect(res).toMatchObject({ status: 200, body: INDEX })
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers['cache-control']).toBe('no-cache')
  })

  it('serves index.html for a client route without a file extension', async () => {
    for (const route of ['/r/abc123', '/r/abc123/', '/settings?tab=1']) {
      const res = await request(route)
      expect(res, route).toMatchObject({ status: 200, body: INDEX })
      expect(res.headers['cache-control']).toBe('no-cache')
    }
  })

  it.each([
    ['/assets/app-1a2b.js', 'text/javascript; charset=utf-8'],
    ['/assets/worker.mjs', 'text/javascript; charset=utf-8'],
    ['/assets/app.css', 'text/css; charset=utf-8'],
    ['/assets/sqlite.wasm', 'application/wasm'],
    ['/assets/logo.svg', 'image/svg+xml'],
    ['/manifest.webmanifest', 'application/manifest+json'],
  ])('serves %s as %s', async (pathname, type) => {
    const res = await request(pathname)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe(type)
    expect(res.body).toBe(`content of ${path.basename(pathname)}`.replace('content of manifest.webmanifest', '{}'))
  })

  it('answers 404 for a missing file with an extension', async () => {
    expect((await request('/assets/missing.js')).status).toBe(404)
    expect((await request('/favicon.ico')).status).toBe(404)
  })

  it.each(['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/..%5csecret.txt', '/%00index.html'])(
    'refuses the traversal %s with 400',
    async (pathname) => {
      const res = await request(pathname)
      expect(res.status).toBe(400)
      expect(res.body).not.toContain('SECRET')
    },
  )

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await request('/', 'HEAD')
    expect(head).toMatchObject({ status: 200, body: '' })
    expect(head.headers['content-length']).toBe(String(INDEX.length))
    expect((await request('/', 'POST')).status).toBe(405)
  })

  it('still accepts signaling upgrades next to the files', async () => {
    const client = await TestClient.open(server.wsUrl)
    expect(await client.roundTrip()).toEqual([])
    client.ws.terminate()
  })
})
