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
 * Link cap (link-policy.ts): at most `maxConns` links, always including the two ring
 * neighbours among the members this tab knows (heard through signaling, or fed in by
 * RoomSession from presence beacons), so a capped mesh stays connected. An offer the
 * policy refuses is answered with a `decline`, so the offerer frees its slot at once;
 * a link still unopened after PENDING_LINK_MS is given up. Every REVIEW_MS the mesh
 * forgets members not heard for MEMBER_TTL_MS and seeks out ring neighbours it lacks.
 *
 * Sync channel: beside simple-peer's channel every link has a second, negotiated one
 * (sync-channel.ts), made on both sides as the link is made. `adoptChannel` may take it
 * at once (the app transfers it to the log worker, worker/worker-channels.ts, so sync
 * frames skip the UI thread); a channel not adopted is listened to here like
 * simple-peer's. `send` always uses simple-peer's channel: a peer receives on both.
 *
 * Backpressure: simple-peer's `send` has none, and Chromium's data channel throws once
 * 16 MiB are queued. Each link keeps its own SendQueue (send-queue.ts), which hands the
 * channel more only while its bufferedAmount is under 1 MiB, resuming on
 * `bufferedamountlow`, and reports through `onBacklog` when the queue itself grows long,
 * so that the log worker pauses a streamed catch-up to that peer.
 */
import SimplePeer from 'simple-peer'
import type { SignalingClient } from './signaling-client.ts'
import type { PeerTransport, TransportEvents } from './peer-transport.ts'
import { MIN_LINK_CAP, admit, missingRingLinks } from './link-policy.ts'
import { PRESENCE_INTERVAL_MS, PRESENCE_TTL_MS } from './presence-book.ts'
import { CHANNEL_LOW, SendQueue } from './send-queue.ts'
import { MAX_EARLY_FRAMES, createSyncChannel } from './sync-channel.ts'

/** A link not open by then (lost signals, a peer gone mid-negotiation) is given up. */
const PENDING_LINK_MS = 30_000
/** How often members are expired and missing ring links sought. */
const REVIEW_MS = PRESENCE_INTERVAL_MS
/** A member not heard of for this long is forgotten (as the presence book does). */
const MEMBER_TTL_MS = PRESENCE_TTL_MS

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
  /**
   * Link cap (at least 2). Default as y-webrtc: 20 + random(0..14); link-policy.ts keeps
   * a capped mesh connected.
   */
  maxConns?: number
  /** Peers not to link to over WebRTC (e.g. tabs already reached by BroadcastChannel). */
  skip?(peer: string): boolean
  /** Test-only: peers this tab must never link to (to build partial meshes). */
  forbidden?: ReadonlySet<string>
  /** Sends a sealed payload over the mesh (mesh-relayed signaling); see the header. */
  relay?(sealed: unknown): void
  /**
   * Offered each link's sync channel right after it is made (see the header); true when
   * taken. Frames on a taken channel are not seen here.
   */
  adoptChannel?(peer: string, channel: RTCDataChannel): boolean
}

interface Link {
  peer: SimplePeer.Instance
  open: boolean
  /** When negotiation started (see PENDING_LINK_MS). */
  since: number
  /** Outgoing frames under backpressure; made when the link opens. */
  out: SendQueue | null
  /** Frames that arrived before simple-peer's 'connect' (see #link). */
  early: Uint8Array[]
  /** Its sync channel was taken by `adoptChannel`. */
  adopted: boolean
}

type SignalData =
  | { type: 'announce'; from: string; to?: string; mid?: string }
  /** "I will not link with you now" (link cap): the offerer drops its pending link. */
  | { type: 'decline'; from: string; to: string; mid?: string }
  | { type: 'signal'; from: string; to: string; signal: SimplePeer.SignalData; mid?: string }

/** How many payload ids to remember for de-duplication. */
const SEEN_LIMIT = 4096

const isPeerId = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= 64

function parseSignalData(data: unknown): SignalData | null {
  if (typeof data !== 'object' || data === null) return null
  const d = data as Record<string, unknown>
  if (d.mid !== undefined && !isPeerId(d.mid)) return null
  if (d.type === 'announce' && isPeerId(d.from) && (d.to === undefined || isPeerId(d.to))) return d as SignalData
  if (d.type === 'decline' && isPeerId(d.from) && isPeerId(d.to)) return d as SignalData
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
  /** Room members and when each was last heard of (the link policy's view of the room). */
  readonly #members = new Map<string, number>()
  readonly #reviewTimer: ReturnType<typeof setInterval>

  constructor(opts: PeerMeshOptions) {
    this.#opts = opts
    this.#maxConns = Math.max(MIN_LINK_CAP, opts.maxConns ?? 20 + Math.floor(Math.random() * 15))
    this.#reviewTimer = setInterval(() => this.#review(), REVIEW_MS)
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

  /** A member is in the room (a presence beacon, heard by RoomSession). */
  heard(peer: string): void {
    if (peer !== this.#opts.selfId) this.#members.set(peer, Date.now())
  }

  /** A member left the room. */
  forget(peer: string): void {
    this.#members.delete(peer)
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
    if (!link?.open || !link.out) return
    try {
      link.out.push(bytes)
    } catch (err) {
      this.#sendFailed(link, peer, err)
    }
  }

  /** Closes the WebRTC link to `peer`, if any (it is reached another way). */
  drop(peer: string): void {
    this.#links.get(peer)?.peer.destroy()
  }

  /** Closes every link and stops listening to signaling. */
  close(): void {
    clearInterval(this.#reviewTimer)
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
    this.heard(data.from)
    if (data.type === 'decline') {
      // Quietly: a close announced to the room would only draw more offers.
      if (this.#links.get(data.from)?.open === false) this.#unlink(data.from)
      return
    }
    if (data.type === 'announce') {
      if (this.#links.has(data.from)) return
      // A directed announce is the smaller peer's "link with me": it admitted us already.
      if (!this.#admit(data.from)) return
      if (self > data.from) this.#link(data.from, true)
      else if (data.to === undefined) this.announce(data.from)
      return
    }
    let link = this.#links.get(data.from)
    if (!link) {
      if (data.signal.type !== 'offer') return // stale candidate or answer of a link we dropped
      if (!this.#admit(data.from)) {
        this.#publish({ type: 'decline', from: self, to: data.from })
        return
      }
      link = this.#link(data.from, false)
    }
    try {
      link.peer.signal(data.signal)
    } catch (err) {
      console.warn('[peer-mesh] bad signal dropped', data.from, err)
    }
  }

  #sendFailed(link: Link, remote: string, err: unknown): void {
    console.warn('[peer-mesh] send failed; closing link', remote, err)
    link.peer.destroy()
  }

  /** Asks the link policy about `remote`; makes room by dropping the link it names. */
  #admit(remote: string): boolean {
    const verdict = admit({ self: this.#opts.selfId, members: this.#members.keys(), linked: new Set(this.#links.keys()), cap: this.#maxConns }, remote)
    if (!verdict.admit) return false
    if (verdict.drop !== null) this.#unlink(verdict.drop)
    return true
  }

  /** Closes and forgets a link now (its close event then finds it gone and stays quiet). */
  #unlink(remote: string): void {
    const link = this.#links.get(remote)
    if (!link) return
    this.#links.delete(remote)
    if (link.open) this.#opts.onClose(remote, link.adopted)
    link.peer.destroy()
  }

  /** Expires members and stale negotiations, then seeks the ring neighbours we lack. */
  #review(): void {
    const now = Date.now()
    for (const [peer, at] of this.#members) if (now - at > MEMBER_TTL_MS && !this.#links.has(peer)) this.#members.delete(peer)
    for (const [peer, link] of this.#links) if (!link.open && now - link.since > PENDING_LINK_MS) this.#unlink(peer)
    const state = { self: this.#opts.selfId, members: this.#members.keys(), linked: new Set(this.#links.keys()), cap: this.#maxConns }
    for (const peer of missingRingLinks(state)) {
      if (this.#opts.forbidden?.has(peer) || this.#opts.skip?.(peer)) continue
      if (!this.#admit(peer)) continue
      if (this.#opts.selfId > peer) this.#link(peer, true)
      else this.announce(peer)
    }
  }

  #link(remote: string, initiator: boolean): Link {
    const peer = new SimplePeer({ initiator, trickle: true, config: { iceServers: this.#opts.iceServers ?? [] } })
    const link: Link = { peer, open: false, since: Date.now(), out: null, early: [], adopted: false }
    this.#links.set(remote, link)
    peer.on('signal', (signal: SimplePeer.SignalData) => {
      this.#publish({ type: 'signal', from: this.#opts.selfId, to: remote, signal })
    })
    peer.on('connect', () => {
      link.open = true
      const channel = dataChannelOf(peer)
      const out = new SendQueue({
        send: (bytes) => peer.send(bytes),
        buffered: () => channel?.bufferedAmount ?? 0,
        onBacklog: (backlogged) => {
          if (this.#links.get(remote) === link) this.#opts.onBacklog?.(remote, backlogged)
        },
      })
      link.out = out
      if (channel) {
        channel.bufferedAmountLowThreshold = CHANNEL_LOW
        channel.addEventListener('bufferedamountlow', () => {
          try {
            out.drain()
          } catch (err) {
            this.#sendFailed(link, remote, err)
          }
        })
      }
      this.#opts.onOpen(remote, link.adopted)
      for (const bytes of link.early.splice(0)) this.#opts.onFrame(remote, bytes)
    })
    // simple-peer emits 'connect' only after an asynchronous getStats once the channel is
    // open, so the other side (connected first) may already have sent its sync hello.
    // Hold such frames until our 'connect': handed over before onOpen, the sync engine
    // would drop them as coming from an unknown peer and the link would never catch up.
    const onData = (bytes: Uint8Array) => {
      if (link.open) this.#opts.onFrame(remote, bytes)
      else if (link.early.length < MAX_EARLY_FRAMES) link.early.push(bytes)
      else console.warn('[peer-mesh] too many frames before connect; dropped one', remote)
    }
    peer.on('data', (data: Uint8Array) => onData(new Uint8Array(data)))
    // Made before simple-peer's offer or answer (they start on its next tick).
    const sync = createSyncChannel(peerConnectionOf(peer))
    link.adopted = this.#opts.adoptChannel?.(remote, sync) ?? false
    if (!link.adopted) {
      sync.binaryType = 'arraybuffer'
      sync.addEventListener('message', (e: MessageEvent<unknown>) => {
        if (e.data instanceof ArrayBuffer) onData(new Uint8Array(e.data))
        else console.warn('[peer-mesh] a sync frame that is not binary dropped', remote)
      })
    }
    peer.on('error', (err: Error) => console.warn('[peer-mesh] link error', remote, err.message))
    peer.on('close', () => {
      link.out?.clear()
      if (this.#links.get(remote) !== link) return
      this.#links.delete(remote)
      if (link.open) this.#opts.onClose(remote, link.adopted)
      // The other side may still be in the room: let whichever of us initiates relink.
      this.announce()
    })
    return link
  }
}

/** simple-peer keeps its RTCPeerConnection private; the sync channel is made on it. */
function peerConnectionOf(peer: SimplePeer.Instance): RTCPeerConnection {
  return (peer as unknown as { _pc: RTCPeerConnection })._pc
}

/** simple-peer keeps its RTCDataChannel private; backpressure needs its bufferedAmount. */
function dataChannelOf(peer: SimplePeer.Instance): RTCDataChannel | undefined {
  return (peer as unknown as { _channel?: RTCDataChannel })._channel
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
