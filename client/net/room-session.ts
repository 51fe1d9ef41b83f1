/**
 * RoomSession: everything a tab runs while in a room, wired together.
 *
 *   SignalingClient ──announce/signal──▶ PeerMesh (WebRTC, other browsers) ─┐
 *   BroadcastTransport (tabs of this browser, no server needed) ────────────┤ {peer, bytes}
 *                                                                           ▼
 *                                      log worker (ReplicaNode on wa-sqlite/OPFS)
 *                                           │  snapshots
 *                                           ▼
 *                                      listeners (the Pinia store)
 *
 * The worker sees one peer id per link, prefixed by its transport ("webrtc:…",
 * "broadcast:…"). A tab reached over BroadcastChannel is not also linked over WebRTC.
 * Each WebRTC link's sync channel is transferred to the worker as it is made, so sync
 * frames skip this thread (worker/worker-channels.ts); where the browser cannot, they
 * pass through here as BroadcastChannel frames do.
 *
 * Links also carry relay frames for mesh-relayed signaling (peer-mesh.ts): a frame whose
 * first byte is RELAY_TAG (sync frames are CBOR arrays and never start with 0x00) holds
 * JSON { id, ttl, payload }, where payload is a sealed signaling payload. Each relay
 * frame is handled once and flooded on to every other link until its ttl runs out.
 *
 * Presence: every PRESENCE_INTERVAL_MS a tab floods a relay frame { id, ttl, presence:
 * selfId, replica } the same way (replica: its replica id once its log is open, so the
 * peer list can name it); on a new link it also re-sends, with their age, the members it
 * heard of; a closing tab floods { presence, left: true }. A member heard of but not
 * linked directly is "relayed": its events still reach us through the members in between
 * (gossip), so the peer list shows it with that path (bookkeeping: presence-book.ts).
 * Links are only ever made with members that opened our sealed signaling, so presence
 * frames need no sealing of their own.
 */
import { type ReplicaId, type TodoId, isReplicaId, randomHex } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import type { HistoryEntry } from '../../shared/history.ts'
import { type RoomAddress, signalingTopic } from '../../shared/room-link.ts'
import { deriveSignalingKey, openPayload, sealPayload } from '../../shared/signaling-crypto.ts'
import { type ReconnectPlan, SignalingClient } from './signaling-client.ts'
import { PeerMesh } from './peer-mesh.ts'
import { loadIceServers } from './ice-config.ts'
import { BroadcastTransport } from './broadcast-transport.ts'
import { PRESENCE_INTERVAL_MS, PRESENCE_TTL_MS, PresenceBook, type RelayedPeer } from './presence-book.ts'
import type { LinkKind, PeerTransport } from './peer-transport.ts'
import { type ActAction, type FromWorker, type LogSnapshot, type ToWorker, isFromWorker } from '../worker/protocol.ts'
import type { TodoPatch } from '../worker/todo-patch.ts'
import { StorageFullError } from '../worker/storage-error.ts'
import type { InterpretationName } from '../../shared/interpretations/interpretation.ts'
import { afterNextFrame } from '../after-next-frame.ts'

export type { RelayedPeer } from './presence-book.ts'
export type SignalingStatus = 'online' | 'offline' | 'connecting'

/** A window of the event DAG for the DAG view. */
export interface DagWindow {
  /** Events in (lamport, id) order. */
  events: TodoEvent[]
  heads: string[]
  /** Events in the whole log. */
  total: number
}

/** A connected peer as the UI lists it. */
export interface PeerLink {
  id: string
  via: LinkKind
}

export interface RoomSessionListener {
  /**
   * The log's state. After a snapshot's `snapshotPart`s its `todos` is the patch's last
   * part: the listener applies it with those (worker/todo-patch.ts PatchInParts).
   */
  snapshot(s: LogSnapshot): void
  /** A part of the next snapshot's todo patch, sent ahead of it (worker/todo-patch.ts splitPatch). */
  snapshotPart(changed: TodoPatch['changed']): void
  replica(id: ReplicaId): void
  signaling(status: SignalingStatus): void
  peers(links: PeerLink[]): void
  /** Members reachable only through other members (see "Presence" above), by peer id. */
  relayed(peers: RelayedPeer[]): void
  /** The signaling server's next reconnection attempt, or null while none is waiting. */
  reconnect(plan: ReconnectPlan | null): void
  /** Which replica each link reaches, keyed "webrtc:<id>" / "broadcast:<id>" (once its hello arrived). */
  replicas(byLink: Map<string, ReplicaId>): void
  progress(received: number, expected: number): void
  /** The log could not be opened; `full` when storage is full. */
  fatal(message: string, full: boolean): void
  /** Changes from a peer could not be stored (`full`: storage is full). */
  peerChangesFailed(message: string, full: boolean): void
}

/** sessionStorage key of the replica this tab used in a room (reclaimed after a reload). */
export const replicaSessionKey = (room: string) => `peerlog:replica:${room}`
const RELAY_TAG = 0x00
/** Hops a relayed signaling payload may travel: plenty for rooms of tens of tabs. */
const RELAY_TTL = 6
const RELAY_SEEN_LIMIT = 4096

/** Exactly one of `payload` (a sealed signaling payload) and `presence` (a peer id). */
interface RelayFrame {
  id: string
  ttl: number
  payload?: unknown
  presence?: string
  replica?: string
  /** With `presence`: that member is leaving the room. */
  left?: true
  /** With `presence`, when re-sent for another member: ms since it was last heard. */
  age?: number
}

function parseRelayFrame(bytes: Uint8Array): RelayFrame | null {
  try {
    const f = JSON.parse(new TextDecoder().decode(bytes.subarray(1))) as Partial<RelayFrame>
    const ok =
      typeof f.id === 'string' &&
      f.id.length <= 32 &&
      Number.isInteger(f.ttl) &&
      (f.ttl as number) >= 1 &&
      (f.ttl as number) <= RELAY_TTL &&
      ((typeof f.payload === 'object' && f.payload !== null && f.presence === undefined) ||
        (f.payload === undefined &&
          typeof f.presence === 'string' &&
          f.presence.length > 0 &&
          f.presence.length <= 64 &&
          (f.replica === undefined || isReplicaId(f.replica)) &&
          (f.left === undefined || f.left === true) &&
          (f.age === undefined || (Number.isInteger(f.age) && (f.age as number) >= 0 && (f.age as number) <= PRESENCE_TTL_MS))))
    return ok ? (f as RelayFrame) : null
  } catch {
    return null // not JSON: reported by the caller
  }
}

function encodeRelayFrame(f: RelayFrame): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(f))
  const out = new Uint8Array(json.byteLength + 1)
  out[0] = RELAY_TAG
  out.set(json, 1)
  return out
}

/** Where the signaling server is: the origin that served the app, unless told otherwise. */
export function defaultSignalingUrl(): string {
  const override = new URLSearchParams(location.search).get('signaling')
  if (override) return override
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signaling`
}

export class RoomSession {
  readonly selfId: string
  readonly #worker: Worker
  readonly #signaling: SignalingClient
  readonly #mesh: PeerMesh
  readonly #broadcast: BroadcastTransport
  readonly #listener: RoomSessionListener
  readonly #roomKey: string
  readonly #pendingActs = new Map<number, { resolve(): void; reject(e: Error): void }>()
  #relaySeen = new Set<string>()
  readonly #presence: PresenceBook
  #replica: ReplicaId | null = null
  readonly #presenceTimer: ReturnType<typeof setInterval>
  readonly #pendingQueries = new Map<number, { resolve(m: FromWorker): void; reject(e: Error): void }>()
  #nextRequest = 1
  /** Filled once loaded; PeerMesh reads it each time it creates a link. */
  readonly #iceServers: RTCIceServer[] = []
  #closed = false
  /** An answer to the worker for the last snapshot is waiting for the next frame (#ackRendered). */
  #ackScheduled = false
  /** Sync channels go to the worker; false once a transfer failed (or the test setting). */
  #channelsToWorker: boolean

  constructor(
    address: RoomAddress,
    listener: RoomSessionListener,
    opts: {
      signalingUrl?: string
      forbidden?: string[]
      selfId?: string
      iceServers?: Promise<RTCIceServer[]>
      /** WebRTC link cap (default: PeerMesh's); the `?max-links=` test setting. */
      maxLinks?: number
      /**
       * False: keep sync channels on this thread, as a browser that cannot transfer them
       * does (the `?sync-channel=ui` test setting).
       */
      channelsToWorker?: boolean
    } = {},
  ) {
    this.#channelsToWorker = opts.channelsToWorker ?? true
    this.selfId = opts.selfId ?? randomHex(8)
    this.#presence = new PresenceBook(this.selfId)
    this.#listener = listener
    this.#roomKey = replicaSessionKey(address.room)
    this.#worker = new Worker(new URL('../worker/log-worker.ts', import.meta.url), { type: 'module', name: 'peerlog-log' })
    this.#worker.addEventListener('message', (e: MessageEvent<unknown>) => this.#fromWorker(e.data))
    this.#worker.addEventListener('error', (e) => listener.fatal(`Log worker failed: ${e.message}`, false))

    const stored = sessionStorage.getItem(this.#roomKey)
    this.#post({ type: 'open', room: address.room, preferredReplica: isReplicaId(stored) ? stored : null })

    const topic = signalingTopic(address)
    this.#signaling = new SignalingClient({ url: opts.signalingUrl ?? defaultSignalingUrl(), topics: [topic] })
    this.#signaling.on('status', (s) => {
      listener.signaling(s)
      if (s === 'online') listener.reconnect(null)
    })
    this.#signaling.on('reconnect', (plan) => listener.reconnect(plan))
    this.#broadcast = new BroadcastTransport({ selfId: this.selfId, topic, ...this.#eventsFor('broadcast') })
    const key = deriveSignalingKey(address)
    this.#mesh = new PeerMesh({
      selfId: this.selfId,
      topic,
      signaling: this.#signaling,
      codec: {
        seal: async (payload) => sealPayload(await key, topic, payload),
        open: async (data) => openPayload(await key, topic, data),
      },
      forbidden: new Set(opts.forbidden ?? []),
      maxConns: opts.maxLinks,
      skip: (peer) => this.#broadcast.has(peer),
      iceServers: this.#iceServers,
      relay: (sealed) => this.#flood({ id: randomHex(8), ttl: RELAY_TTL, payload: sealed }, null),
      adoptChannel: (peer, channel) => this.#channelToWorker(peer, channel),
      ...this.#eventsFor('webrtc'),
    })
    listener.signaling('connecting')
    // Links are negotiated once the STUN/TURN servers are known (/config.json, bounded by a timeout).
    void (opts.iceServers ?? loadIceServers())
      .then((servers) => this.#iceServers.push(...servers))
      .catch((err: unknown) => console.warn('[room-session] ICE servers unavailable, going on without', err))
      .finally(() => {
        if (!this.#closed) this.#signaling.connect()
      })
    // The next page of this tab (a reload, a navigation) reclaims this replica by its Web
    // Lock, which only goes when the worker does: end it as the page goes, rather than
    // whenever the browser gets round to it (or never, for a page kept in the bfcache).
    addEventListener('pagehide', this.#onPageHide)
    addEventListener('pageshow', this.#onPageShow)
    this.#presenceTimer = setInterval(() => {
      this.#sendPresence()
      this.#announceRelayed()
    }, PRESENCE_INTERVAL_MS)
  }

  readonly #onPageHide = (): void => this.close()
  /** A page restored from the bfcache has a terminated worker: load it afresh. */
  readonly #onPageShow = (e: PageTransitionEvent): void => {
    if (e.persisted) location.reload()
  }

  /** Transfers a new link's sync channel to the worker; false where the browser cannot. */
  #channelToWorker(peer: string, channel: RTCDataChannel): boolean {
    if (!this.#channelsToWorker) return false
    try {
      this.#post({ type: 'link-channel', peer: `webrtc:${peer}`, channel }, [channel])
      return true
    } catch (err) {
      console.info('[room-session] data channels cannot be transferred here; sync frames pass through this thread', err)
      this.#channelsToWorker = false
      return false
    }
  }

  #transport(kind: LinkKind): PeerTransport {
    return kind === 'webrtc' ? this.#mesh : this.#broadcast
  }

  #eventsFor(kind: LinkKind) {
    return {
      onOpen: (peer: string, adopted: boolean) => {
        if (kind === 'broadcast') this.#mesh?.drop(peer) // reached without WebRTC now
        if (!adopted) this.#post({ type: 'link-open', peer: `${kind}:${peer}` })
        this.#announcePeers()
        // Tell the new neighbour (and the members behind it) who is here without waiting
        // for the next beacons: us, and the members we heard (re-sent on their behalf).
        this.#sendPresence()
        for (const { id, replica, age } of this.#presence.members(Date.now())) {
          this.#flood({ id: randomHex(8), ttl: RELAY_TTL - 1, presence: id, age, ...(replica ? { replica } : {}) }, null)
        }
        // Without a server, a new link is how the rest of the room can hear of us.
        if (this.#signaling.status !== 'online') this.#mesh?.announce()
      },
      onFrame: (peer: string, bytes: Uint8Array) => {
        if (bytes[0] === RELAY_TAG) this.#onRelay(`${kind}:${peer}`, bytes)
        else this.#post({ type: 'link-frame', peer: `${kind}:${peer}`, bytes }, [bytes.buffer as ArrayBuffer])
      },
      // The link's queue is long (or drained): the worker pauses (resumes) a catch-up to it.
      onBacklog: (peer: string, backlogged: boolean) => this.#post({ type: 'link-backlog', peer: `${kind}:${peer}`, backlogged }),
      onClose: (peer: string, adopted: boolean) => {
        if (!adopted) this.#post({ type: 'link-close', peer: `${kind}:${peer}` })
        this.#presence.forget(peer)
        this.#announcePeers()
      },
    }
  }

  #onRelay(from: string, bytes: Uint8Array): void {
    const frame = parseRelayFrame(bytes)
    if (!frame) {
      console.warn('[room-session] malformed relay frame dropped', from)
      return
    }
    if (this.#relaySeen.has(frame.id)) return
    if (frame.presence === undefined) this.#mesh.receiveRelayed(frame.payload)
    else {
      const replica = (frame.replica as ReplicaId | undefined) ?? null
      const news = frame.left
        ? this.#presence.forget(frame.presence)
        : this.#presence.heard(frame.presence, replica, Date.now(), frame.age)
      // The link policy's view of the room (peer-mesh.ts, "Link cap").
      if (frame.left) this.#mesh.forget(frame.presence)
      else if ((frame.age ?? 0) < PRESENCE_TTL_MS) this.#mesh.heard(frame.presence)
      if (news) this.#announceRelayed()
    }
    if (frame.ttl > 1) this.#flood({ ...frame, ttl: frame.ttl - 1 }, from)
    else this.#remember(frame.id)
  }

  /** Sends a relay frame on every open link but `except` ("kind:peer"). */
  #flood(frame: RelayFrame, except: string | null): void {
    this.#remember(frame.id)
    const bytes = encodeRelayFrame(frame)
    for (const kind of ['broadcast', 'webrtc'] as const) {
      const transport = this.#transport(kind) as PeerTransport | undefined // undefined while constructing
      if (!transport) continue
      for (const peer of transport.openPeers()) if (`${kind}:${peer}` !== except) transport.send(peer, bytes)
    }
  }

  #remember(id: string): void {
    if (this.#relaySeen.size >= RELAY_SEEN_LIMIT) this.#relaySeen = new Set()
    this.#relaySeen.add(id)
  }

  #sendPresence(): void {
    const frame: RelayFrame = { id: randomHex(8), ttl: RELAY_TTL, presence: this.selfId }
    if (this.#replica) frame.replica = this.#replica
    this.#flood(frame, null)
  }

  /** Lists members heard recently that no link of ours reaches directly. */
  #announceRelayed(): void {
    const now = Date.now()
    const direct = new Set([...(this.#mesh?.openPeers() ?? []), ...(this.#broadcast?.openPeers() ?? [])])
    const relayed = this.#presence.relayedIfChanged(direct, now)
    if (relayed) this.#listener.relayed(relayed)
  }

  #announcePeers(): void {
    const links: PeerLink[] = []
    for (const kind of ['broadcast', 'webrtc'] as const) {
      const transport = kind === 'webrtc' ? this.#mesh : this.#broadcast
      for (const id of transport?.openPeers() ?? []) links.push({ id, via: kind })
    }
    this.#listener.peers(links)
    this.#announceRelayed()
  }

  /** A todo's audit trail: its events in causal order with concurrency marks. */
  async history(todo: TodoId): Promise<HistoryEntry[]> {
    const m = await this.#query({ type: 'history', requestId: this.#nextRequest++, todo })
    return m.type === 'history' ? m.entries : []
  }

  /** A window of the DAG: `limit` events before a cursor (newest when null), oldest first. */
  async dag(limit: number, before: { lamport: number; id: string } | null = null): Promise<DagWindow> {
    // A plain copy: a reactive (Proxy) cursor from a component cannot be structured-cloned.
    const cursor = before === null ? null : { lamport: before.lamport, id: before.id }
    const m = await this.#query({ type: 'dag', requestId: this.#nextRequest++, limit, before: cursor })
    return m.type === 'dag' ? { events: m.events, heads: m.heads, total: m.total } : { events: [], heads: [], total: 0 }
  }

  #query(m: Extract<ToWorker, { requestId: number }>): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.#pendingQueries.set(m.requestId, { resolve, reject })
      this.#post(m)
    })
  }

  /** Test and benchmark hook: the worker authors `count` events. */
  generate(count: number): void {
    this.#post({ type: 'generate', count })
  }

  /** Test hook: closes the WebRTC link to `peer` (the mesh relinks as after any drop). */
  dropLink(peer: string): void {
    this.#mesh.drop(peer)
  }

  /** Switches the log's interpretation (the worker rebuilds its view). */
  interpret(name: InterpretationName): void {
    this.#post({ type: 'interpret', name })
  }

  /** Records a user action as an event; resolves once it is stored locally. */
  act(todo: TodoId, eventType: string, value: EventValue): Promise<void> {
    return this.actMany([{ todo, eventType, value }])
  }

  /**
   * Records user actions as a chain of events in one transaction: all are stored or none.
   * Rejects with StorageFullError when storage is full, with an Error on other failures.
   */
  actMany(actions: ActAction[]): Promise<void> {
    return this.#request((requestId) => ({ type: 'act', requestId, actions, time: Date.now() }))
  }

  /**
   * One `eventType`/`value` event per todo whose `completed` is `whereCompleted`, as the
   * worker's state stands when it gets there (not as this tab last saw it): "Mark all
   * as complete" and "Clear completed". Rejects like actMany.
   */
  actEach(whereCompleted: boolean, eventType: 'complete' | 'delete', value: EventValue): Promise<void> {
    return this.#request((requestId) => ({ type: 'act-each', requestId, whereCompleted, eventType, value, time: Date.now() }))
  }

  #request(message: (requestId: number) => ToWorker): Promise<void> {
    const requestId = this.#nextRequest++
    return new Promise<void>((resolve, reject) => {
      this.#pendingActs.set(requestId, { resolve, reject })
      this.#post(message(requestId))
    })
  }

  /** Leaves the room: closes links, signaling and the worker (the replica stays stored). */
  close(): void {
    if (this.#closed) return
    removeEventListener('pagehide', this.#onPageHide)
    clearInterval(this.#presenceTimer)
    // Members that reach us only through others would list us for PRESENCE_TTL_MS more.
    this.#flood({ id: randomHex(8), ttl: RELAY_TTL, presence: this.selfId, left: true }, null)
    this.#closed = true
    this.#mesh.close()
    this.#broadcast.close()
    this.#signaling.close()
    this.#worker.terminate()
  }

  /**
   * Tells the worker once the snapshot just handed to the store has been drawn: after
   * the next frame (a task queued from requestAnimationFrame runs after that frame's
   * style, layout and paint). The worker holds catch-up batches back until then, so the
   * UI thread gets a core to render on (worker/ui-yield.ts). A hidden tab draws no
   * frames and its timers are throttled (up to a second apart): it answers at once.
   */
  #ackRendered(): void {
    if (this.#ackScheduled) return
    this.#ackScheduled = true
    const ack = (): void => {
      this.#ackScheduled = false
      if (!this.#closed) this.#post({ type: 'rendered' })
    }
    if (document.visibilityState === 'hidden') ack()
    else afterNextFrame(ack)
  }

  #post(m: ToWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(m, transfer)
  }

  #fromWorker(m: unknown): void {
    // A message the worker posted before close() may still arrive: drop it. Snapshots
    // after the first are patches (worker/todo-patch.ts), and one applied to the next
    // room's list would corrupt it.
    if (this.#closed) return
    const listener = this.#listener
    if (!isFromWorker(m)) {
      console.warn('[room-session] unknown message from worker dropped', m)
      return
    }
    const msg: FromWorker = m
    switch (msg.type) {
      case 'opened':
        sessionStorage.setItem(this.#roomKey, msg.replica)
        this.#replica = msg.replica
        this.#sendPresence() // links that opened before the log did heard us without it
        listener.replica(msg.replica)
        listener.snapshot(msg.snapshot)
        this.#ackRendered()
        break
      case 'state-part':
        listener.snapshotPart(msg.changed)
        this.#ackRendered() // the worker sends a few parts per frame (worker/log-worker.ts)
        break
      case 'state': {
        listener.snapshot(msg.snapshot)
        // In the same task: one frame draws both (worker/snapshot-posts.ts).
        if (msg.progress) listener.progress(msg.progress.received, msg.progress.expected)
        this.#ackRendered()
        break
      }
      case 'send': {
        const at = msg.peer.indexOf(':')
        const kind = msg.peer.slice(0, at)
        if (kind === 'webrtc' || kind === 'broadcast') this.#transport(kind).send(msg.peer.slice(at + 1), msg.bytes)
        else console.warn('[room-session] frame for an unknown transport dropped', msg.peer)
        break
      }
      case 'link-lost':
        if (msg.peer.startsWith('webrtc:')) this.#mesh.drop(msg.peer.slice('webrtc:'.length))
        break
      case 'history':
      case 'dag':
      case 'query-failed': {
        const pending = this.#pendingQueries.get(msg.requestId)
        this.#pendingQueries.delete(msg.requestId)
        if (msg.type === 'query-failed') pending?.reject(new Error(msg.error))
        else pending?.resolve(msg)
        break
      }
      case 'progress':
        listener.progress(msg.received, msg.expected)
        break
      case 'act-done': {
        const pending = this.#pendingActs.get(msg.requestId)
        this.#pendingActs.delete(msg.requestId)
        if (msg.error === null) pending?.resolve()
        else pending?.reject(msg.full ? new StorageFullError(msg.error) : new Error(msg.error))
        break
      }
      case 'links':
        listener.replicas(new Map(msg.links.map((l) => [l.peer, l.replica])))
        break
      case 'peer-changes-failed':
        listener.peerChangesFailed(msg.message, msg.full)
        break
      case 'fatal':
        listener.fatal(msg.message, msg.full)
        break
    }
  }
}
