/**
 * PeerMesh: WebRTC data-channel links (simple-peer) to the other tabs of a room,
 * discovered and negotiated through the signaling server.
 *
 * Signaling payloads follow y-webrtc's shapes, published on the room's topic:
 *   { type: 'announce', from }                 "I am here"
 *   { type: 'announce', from, to }             "I am here too" (reply to an announce)
 *   { type: 'signal', from, to, signal }       offer / answer / ICE candidate
 * Glare (both sides offering at once) cannot happen: of two peers, only the one with
 * the larger id initiates; the smaller one answers an announce with its own, directed
 * announce so the larger one learns of it and initiates.
 *
 * Links live on the UI thread because RTCPeerConnection does not exist in workers; the
 * mesh only moves bytes, the log worker speaks the sync protocol over them.
 *
 * Privacy: payloads go through `codec` (signaling-crypto.ts in the app), so the server
 * relays only ciphertext; payloads that do not open are dropped. Sealing and opening are
 * asynchronous, so both directions run through a promise chain to keep signals in order
 * (an ICE candidate must not overtake its offer).
 *
 * Mesh relay: when the server is unreachable, payloads also travel as relay frames over
 * the links this tab already has (`relay` option; RoomSession floods them with a hop
 * limit). Payloads stay sealed end to end, so relaying members can neither read nor
 * forge them. Each payload carries a random `mid` and is handled once, however many
 * paths (server, relays) bring it. Replies to a peer first heard through a relay are
 * relayed too, since that peer may be cut off from the server even when we are not.
 *
 * Backpressure: simple-peer's `send` has none, and Chromium's data channel throws once
 * 16 MiB are queued. Each link keeps its own queue and hands the channel more only while
 * its bufferedAmount is under HIGH_WATER, resuming on `bufferedamountlow` (LOW_WATER).
 */
import SimplePeer from 'simple-peer'
import type { SignalingClient } from './signaling-client.ts'
import type { PeerTransport, TransportEvents } from './peer-transport.ts'

const HIGH_WATER = 1024 * 1024
const LOW_WATER = 256 * 1024
/** A peer sends a hello and a few catch-up frames before we see it open; more is abuse. */
const MAX_EARLY_FRAMES = 256

/** How payloads are wrapped for the signaling server (identity in tests, AES-GCM in the app). */
export interface SignalingCodec {
  seal(payload: unknown): Promise<unknown>
  /** The payload, or null when it does not open (foreign, forged, malformed). */
  open(data: unknown): Promise<unknown>
}

export interface PeerMeshOptions extends TransportEvents {
  selfId: string
  topic: string
  signaling: SignalingClient
  codec: SignalingCodec
  iceServers?: RTCIceServer[]
  /** y-webrtc uses 20 + random(0..14) so that n clients rarely form isolated clusters. */
  maxConns?: number
  /** Peers not to link to over WebRTC (e.g. tabs already reached by BroadcastChannel). */
  skip?(peer: string): boolean
  /** Test-only: peers this tab must never link to (to build partial meshes). */
  forbidden?: ReadonlySet<string>
  /** Sends a sealed payload over the mesh (mesh-relayed signaling); see the header. */
  relay?(sealed: unknown): void
}

interface Link {
  peer: SimplePeer.Instance
  open: boolean
  queue: Uint8Array[]
  /** Frames that arrived before simple-peer's 'connect' (see #link). */
  early: Uint8Array[]
}

type SignalData =
  | { type: 'announce'; from: string; to?: string; mid?: string }
  | { type: 'signal'; from: string; to: string; signal: SimplePeer.SignalData; mid?: string }

/** How many payload ids to remember for de-duplication. */
const SEEN_LIMIT = 4096

const isPeerId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 64

function parseSignalData(data: unknown): SignalData | null {
  if (typeof data !== 'object' || data === null) return null
  const d = data as Record<string, unknown>
  if (d.mid !== undefined && !isPeerId(d.mid)) return null
  if (d.type === 'announce' && isPeerId(d.from) && (d.to === undefined || isPeerId(d.to))) return d as SignalData
  if (d.type === 'signal' && isPeerId(d.from) && isPeerId(d.to) && typeof d.signal === 'object' && d.signal !== null) {
    return d as SignalData
  }
  return null
}

export class PeerMesh implements PeerTransport {
  readonly kind = 'webrtc' as const
  readonly #opts: PeerMeshOptions
  readonly #links = new Map<string, Link>()
  readonly #maxConns: number
  readonly #unsubscribe: Array<() => void> = []
  #inbox: Promise<void> = Promise.resolve()
  #outbox: Promise<void> = Promise.resolve()
  /** Payload ids already handled (server and relays may both deliver one). */
  #seen = new Set<string>()
  /** Peers heard through a relay: replies to them are relayed too. */
  readonly #relayReachable = new Set<string>()

  constructor(opts: PeerMeshOptions) {
    this.#opts = opts
    this.#maxConns = opts.maxConns ?? 20 + Math.floor(Math.random() * 15)
    this.#unsubscribe.push(
      opts.signaling.on('message', (m) => {
        if (m.topic === opts.topic) this.#receive(m.data, false)
      }),
      opts.signaling.on('status', (s) => {
        if (s === 'online') this.announce()
      }),
    )
  }

  /** Ids of peers with an open data channel. */
  openPeers(): string[] {
    return [...this.#links].filter(([, l]) => l.open).map(([id]) => id)
  }

  /** Tells the room we are here (on every (re)connection to the server). */
  announce(to?: string): void {
    const data: SignalData = to ? { type: 'announce', from: this.#opts.selfId, to } : { type: 'announce', from: this.#opts.selfId }
    this.#publish(data)
  }

  /** A sealed payload that arrived as a relay frame over another link. */
  receiveRelayed(sealed: unknown): void {
    this.#receive(sealed, true)
  }

  #receive(sealed: unknown, relayed: boolean): void {
    this.#inbox = this.#inbox
      .then(() => this.#opts.codec.open(sealed))
      .then((payload) => {
        if (payload === null) console.warn('[peer-mesh] signaling payload that does not open dropped')
        else this.#onSignal(payload, relayed)
      })
      .catch((err: unknown) => console.warn('[peer-mesh] handling a signal failed', err))
  }

  #publish(payload: SignalData): void {
    const withId: SignalData = { ...payload, mid: randomId() }
    this.#seen.add(withId.mid!)
    const relay =
      this.#opts.signaling.status !== 'online' || (payload.to !== undefined && this.#relayReachable.has(payload.to))
    this.#outbox = this.#outbox
      .then(() => this.#opts.codec.seal(withId))
      .then((sealed) => {
        this.#opts.signaling.publish(this.#opts.topic, sealed)
        if (relay) this.#opts.relay?.(sealed)
      })
      .catch((err: unknown) => console.warn('[peer-mesh] sealing a signal failed', err))
  }

  /** Sends a frame on the link to `peer`, queued under backpressure; a closed link drops it. */
  send(peer: string, bytes: Uint8Array): void {
    const link = this.#links.get(peer)
    if (!link?.open) return
    link.queue.push(bytes)
    this.#drain(link, peer)
  }

  /** Closes the WebRTC link to `peer`, if any (it is reached another way). */
  drop(peer: string): void {
    this.#links.get(peer)?.peer.destroy()
  }

  /** Frames waiting for the data channel, over all links (for diagnostics). */
  queuedFrames(): number {
    let n = 0
    for (const l of this.#links.values()) n += l.queue.length
    return n
  }

  /** Closes every link and stops listening to signaling. */
  close(): void {
    for (const u of this.#unsubscribe) u()
    for (const { peer } of this.#links.values()) peer.destroy()
    this.#links.clear()
  }

  #onSignal(raw: unknown, relayed: boolean): void {
    const data = parseSignalData(raw)
    if (!data) {
      console.warn('[peer-mesh] malformed signaling payload dropped', raw)
      return
    }
    if (data.mid !== undefined) {
      if (this.#seen.has(data.mid)) return
      if (this.#seen.size >= SEEN_LIMIT) this.#seen = new Set()
      this.#seen.add(data.mid)
    }
    const self = this.#opts.selfId
    if (data.from === self || (data.to !== undefined && data.to !== self)) return
    if (relayed) this.#relayReachable.add(data.from)
    if (this.#opts.forbidden?.has(data.from) || this.#opts.skip?.(data.from)) return
    if (data.type === 'announce') {
      if (this.#links.has(data.from)) return
      if (self > data.from) this.#link(data.from, true)
      else if (data.to === undefined) this.announce(data.from)
      return
    }
    let link = this.#links.get(data.from)
    if (!link) {
      if (data.signal.type !== 'offer') return // stale candidate or answer of a link we dropped
      link = this.#link(data.from, false)
    }
    if (!link) return
    try {
      link.peer.signal(data.signal)
    } catch (err) {
      console.warn('[peer-mesh] bad signal dropped', data.from, err)
    }
  }

  #drain(link: Link, remote: string): void {
    const channel = dataChannelOf(link.peer)
    try {
      while (link.queue.length > 0 && (channel?.bufferedAmount ?? 0) < HIGH_WATER) link.peer.send(link.queue.shift()!)
    } catch (err) {
      console.warn('[peer-mesh] send failed; closing link', remote, err)
      link.peer.destroy()
    }
  }

  #link(remote: string, initiator: boolean): Link | undefined {
    if (this.#links.size >= this.#maxConns) return undefined
    const peer = new SimplePeer({ initiator, trickle: true, config: { iceServers: this.#opts.iceServers ?? [] } })
    const link: Link = { peer, open: false, queue: [], early: [] }
    this.#links.set(remote, link)
    peer.on('signal', (signal: SimplePeer.SignalData) => {
      this.#publish({ type: 'signal', from: this.#opts.selfId, to: remote, signal })
    })
    peer.on('connect', () => {
      link.open = true
      const channel = dataChannelOf(peer)
      if (channel) {
        channel.bufferedAmountLowThreshold = LOW_WATER
        channel.addEventListener('bufferedamountlow', () => this.#drain(link, remote))
      }
      this.#opts.onOpen(remote)
      for (const bytes of link.early.splice(0)) this.#opts.onFrame(remote, bytes)
    })
    // simple-peer emits 'connect' only after an asynchronous getStats once the channel is
    // open, so the other side (connected first) may already have sent its sync hello.
    // Hold such frames until our 'connect': handed over before onOpen, the sync engine
    // would drop them as coming from an unknown peer and the link would never catch up.
    peer.on('data', (data: Uint8Array) => {
      const bytes = new Uint8Array(data)
      if (link.open) this.#opts.onFrame(remote, bytes)
      else if (link.early.length < MAX_EARLY_FRAMES) link.early.push(bytes)
      else console.warn('[peer-mesh] too many frames before connect; dropped one', remote)
    })
    peer.on('error', (err: Error) => console.warn('[peer-mesh] link error', remote, err.message))
    peer.on('close', () => {
      link.queue = []
      if (this.#links.get(remote) !== link) return
      this.#links.delete(remote)
      if (link.open) this.#opts.onClose(remote)
      // The other side may still be in the room: let whichever of us initiates relink.
      this.announce()
    })
    return link
  }
}

/** simple-peer keeps its RTCDataChannel private; backpressure needs its bufferedAmount. */
function dataChannelOf(peer: SimplePeer.Instance): RTCDataChannel | undefined {
  return (peer as unknown as { _channel?: RTCDataChannel })._channel
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
