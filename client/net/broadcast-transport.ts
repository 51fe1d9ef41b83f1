/**
 * BroadcastTransport: links between tabs of this browser over a BroadcastChannel, so
 * same-origin tabs sync with no server and no WebRTC.
 *
 * One channel per room topic; every tab hears every message, so frames carry `to`.
 *   { type: 'hello', from }             "I am here" (on start, and answered by hello-ack)
 *   { type: 'hello-ack', from, to }     "me too": both sides now consider the link open
 *   { type: 'frame', from, to, bytes }  a sync frame
 *   { type: 'beat', from }              liveness, every BEAT_MS
 *   { type: 'bye', from }               the tab is leaving (pagehide)
 * A peer silent for DEAD_AFTER_MS (a crashed tab sends no bye) is closed.
 */
import type { PeerTransport, TransportEvents } from './peer-transport.ts'

const BEAT_MS = 2_000
// Generous: hidden tabs get their timers throttled (to once a minute after a while), and
// dropping a live link only costs a re-handshake, while a crashed tab sends no bye.
const DEAD_AFTER_MS = 70_000

type BroadcastMessage =
  | { type: 'hello'; from: string }
  | { type: 'hello-ack'; from: string; to: string }
  | { type: 'frame'; from: string; to: string; bytes: Uint8Array }
  | { type: 'beat'; from: string }
  | { type: 'bye'; from: string }

const isId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 64

function parse(data: unknown): BroadcastMessage | null {
  if (typeof data !== 'object' || data === null) return null
  const m = data as Record<string, unknown>
  if (!isId(m.from)) return null
  switch (m.type) {
    case 'hello':
    case 'beat':
    case 'bye':
      return m as BroadcastMessage
    case 'hello-ack':
      return isId(m.to) ? (m as BroadcastMessage) : null
    case 'frame':
      return isId(m.to) && m.bytes instanceof Uint8Array ? (m as BroadcastMessage) : null
    default:
      return null
  }
}

export class BroadcastTransport implements PeerTransport {
  readonly kind = 'broadcast' as const
  readonly #self: string
  readonly #channel: BroadcastChannel
  readonly #events: TransportEvents
  /** Open peers and when each was last heard from. */
  readonly #lastHeard = new Map<string, number>()
  readonly #timer: ReturnType<typeof setInterval>
  readonly #onPageHide = () => this.#post({ type: 'bye', from: this.#self })

  constructor(opts: { selfId: string; topic: string } & TransportEvents) {
    this.#self = opts.selfId
    this.#events = opts
    this.#channel = new BroadcastChannel(`peerlog:${opts.topic}`)
    this.#channel.onmessage = (e: MessageEvent<unknown>) => this.#receive(e.data)
    this.#channel.onmessageerror = () => console.warn('[broadcast] undecodable message dropped')
    this.#timer = setInterval(() => this.#beat(), BEAT_MS)
    addEventListener('pagehide', this.#onPageHide)
    this.#post({ type: 'hello', from: this.#self })
  }

  /** Whether `peer` is linked through this transport. */
  has(peer: string): boolean {
    return this.#lastHeard.has(peer)
  }

  openPeers(): string[] {
    return [...this.#lastHeard.keys()]
  }

  send(peer: string, bytes: Uint8Array): void {
    if (!this.#lastHeard.has(peer)) return
    this.#post({ type: 'frame', from: this.#self, to: peer, bytes })
  }

  close(): void {
    this.#post({ type: 'bye', from: this.#self })
    clearInterval(this.#timer)
    removeEventListener('pagehide', this.#onPageHide)
    this.#channel.close()
    for (const peer of [...this.#lastHeard.keys()]) this.#drop(peer)
  }

  #receive(data: unknown): void {
    const m = parse(data)
    if (!m) {
      console.warn('[broadcast] malformed message dropped', data)
      return
    }
    if (m.from === this.#self) return
    if ('to' in m && m.to !== this.#self) return
    switch (m.type) {
      case 'hello':
        this.#open(m.from)
        this.#post({ type: 'hello-ack', from: this.#self, to: m.from })
        break
      case 'hello-ack':
        this.#open(m.from)
        break
      case 'beat':
        if (this.#lastHeard.has(m.from)) this.#lastHeard.set(m.from, Date.now())
        else this.#post({ type: 'hello', from: this.#self }) // we dropped it, or it missed our hello
        break
      case 'frame':
        if (!this.#lastHeard.has(m.from)) return
        this.#lastHeard.set(m.from, Date.now())
        this.#events.onFrame(m.from, m.bytes)
        break
      case 'bye':
        this.#drop(m.from)
        break
    }
  }

  #open(peer: string): void {
    const known = this.#lastHeard.has(peer)
    this.#lastHeard.set(peer, Date.now())
    if (!known) this.#events.onOpen(peer, false)
  }

  #drop(peer: string): void {
    if (!this.#lastHeard.delete(peer)) return
    this.#events.onClose(peer, false)
  }

  #beat(): void {
    const now = Date.now()
    for (const [peer, at] of this.#lastHeard) if (now - at > DEAD_AFTER_MS) this.#drop(peer)
    this.#post({ type: 'beat', from: this.#self })
  }

  #post(m: BroadcastMessage): void {
    try {
      this.#channel.postMessage(m)
    } catch (err) {
      console.warn('[broadcast] post failed', err)
    }
  }
}
