/**
 * Our SignalingClient against two servers: y-webrtc's own `bin/server.js` (run as a child
 * process) and ours. The same scenario passing on both shows they speak one protocol.
 *
 * The scenario mimics y-webrtc's announce: each client says hello once online and answers
 * the other's hello. Whichever subscribed last is guaranteed to reach the other, so both
 * sides hear each other without sleeping or retrying.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import {
  type SignalingClientLogger,
  type SignalingDelivery,
  type SignalingStatus,
  type WebSocketConstructor,
  SignalingClient,
} from '../../client/net/signaling-client.ts'
import { type Logger, type RunningSignalingServer, startSignalingServer } from '../../signaling/server.ts'

// Compile-time check: the browser's WebSocket fits the injectable constructor type too.
const browserWebSocket: WebSocketConstructor | undefined = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket
void browserWebSocket

const quiet: SignalingClientLogger = { info: () => undefined, warn: () => undefined }
const silent: Logger = { ...quiet, error: () => undefined }
const Y_WEBRTC_SERVER = fileURLToPath(new URL('../../node_modules/y-webrtc/bin/server.js', import.meta.url))

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

async function waitUntilAccepting(port: number, child: ChildProcess, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    if (child.exitCode !== null) throw new Error(`y-webrtc server exited with ${child.exitCode}`)
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (connected) return
    if (Date.now() > deadline) throw new Error(`y-webrtc server not accepting on ${port} after ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

function newClient(url: string, topics: string[]): SignalingClient {
  return new SignalingClient({ url, topics, WebSocketImpl: WebSocket, backoff: { baseMs: 10, capMs: 50 }, log: quiet })
}

function nextStatus(client: SignalingClient, wanted: SignalingStatus): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on('status', (status) => {
      if (status !== wanted) return
      off()
      resolve()
    })
  })
}

/** Two clients on one topic: each hears the other, with `clients` = 2, and its own messages echoed. */
async function helloScenario(url: string): Promise<void> {
  const topic = `room-${Math.random().toString(36).slice(2)}`
  const names = ['alice', 'bob'] as const
  const peers = names.map((name) => {
    const client = newClient(url, [topic])
    const inbox: SignalingDelivery[] = []
    const heardOther = new Promise<SignalingDelivery>((resolve) => {
      client.on('message', (delivery) => {
        inbox.push(delivery)
        const data = delivery.data as { kind: string; from: string }
        if (data.from === name) return
        if (data.kind === 'hello') client.publish(topic, { kind: 'welcome', from: name })
        resolve(delivery)
      })
    })
    client.on('status', (status) => {
      if (status === 'online') client.publish(topic, { kind: 'hello', from: name })
    })
    return { name, client, inbox, heardOther }
  })
  try {
    for (const peer of peers) peer.client.connect()
    const [heardByAlice, heardByBob] = await Promise.all(peers.map((peer) => peer.heardOther))
    expect(heardByAlice).toMatchObject({ topic, clients: 2, data: { from: 'bob' } })
    expect(heardByBob).toMatchObject({ topic, clients: 2, data: { from: 'alice' } })
    for (const peer of peers) {
      expect(peer.inbox.some((d) => (d.data as { from: string }).from === peer.name), `${peer.name} hears its own hello`).toBe(true)
    }
  } finally {
    for (const peer of peers) peer.client.close()
  }
}

describe("SignalingClient against y-webrtc's bin/server.js", () => {
  let child: ChildProcess
  let url: string

  beforeAll(async () => {
    const port = await freePort()
    child = spawn(process.execPath, [Y_WEBRTC_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' })
    url = `ws://127.0.0.1:${port}`
    await waitUntilAccepting(port, child)
  })
  afterAll(() => {
    child.kill()
  })

  it('exchanges publishes between two clients on one topic, each seeing clients = 2', () => helloScenario(url))
})

describe('SignalingClient against our server', () => {
  let server: RunningSignalingServer

  beforeAll(async () => {
    server = await startSignalingServer({ port: 0, host: '127.0.0.1', log: silent })
  })
  afterAll(() => server.close())

  it('exchanges publishes between two clients on one topic, each seeing clients = 2', () => helloScenario(server.wsUrl))

  it('drops a publish while offline and reports it with false', () => {
    const client = newClient(server.wsUrl, ['t'])
    expect(client.status).toBe('offline')
    expect(client.publish('t', 'lost')).toBe(false)
  })

  it('reconnects and resubscribes after the server drops it, then stops for good on close()', async () => {
    const client = newClient(server.wsUrl, ['t'])
    const statuses: SignalingStatus[] = []
    client.on('status', (status) => statuses.push(status))
    const online = nextStatus(client, 'online')
    client.connect()
    await online
    await expect.poll(() => server.stats().subscriptions).toBe(1)

    const port = server.port
    const offline = nextStatus(client, 'offline')
    await server.close() // terminates the socket; the client retries with backoff until a server is back
    await offline
    const onlineAgain = nextStatus(client, 'online')
    server = await startSignalingServer({ port, host: '127.0.0.1', log: silent })
    await onlineAgain
    await expect.poll(() => server.stats()).toEqual({ connections: 1, topics: 1, subscriptions: 1 })

    client.close()
    expect(client.status).toBe('offline')
    await expect.poll(() => server.stats().connections).toBe(0)
    expect(statuses.slice(0, 3)).toEqual(['connecting', 'online', 'offline'])
    expect(statuses.at(-2)).toBe('online')
    expect(statuses.at(-1)).toBe('offline')
  })

  it('reconnects when the connection goes silent for silenceTimeoutMs', async () => {
    const client = new SignalingClient({
      url: server.wsUrl,
      topics: ['t'],
      WebSocketImpl: WebSocket,
      backoff: { baseMs: 10, capMs: 50 },
      // Pings far apart, so nothing is heard within the silence timeout.
      keepalive: { pingIntervalMs: 60_000, silenceTimeoutMs: 100 },
      log: quiet,
    })
    const online = nextStatus(client, 'online')
    client.connect()
    await online
    await nextStatus(client, 'offline')
    await nextStatus(client, 'online')
    client.close()
  })
})
