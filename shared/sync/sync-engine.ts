/**
 * SyncEngine: the per-replica sync state machine. Pure: frames and events in, effects out.
 * It never touches a socket or a database; its owner (the worker, or the simulator)
 * applies effects in order and feeds it one input at a time.
 *
 *   A                                        B
 *   ── hello(version, replica, room, clock) ─▶
 *   ◀─ hello(version, replica, room, clock) ──
 *   ── catch-up(n), then the n events B lacks ▶     exactly the missing ones, in one
 *   ◀─ catch-up(m), then the m events A lacks ─     round trip, parents first
 *   ── live events, forwarded by receivers ───▶     (gossip: reaches a partial mesh)
 *   ◀─ want(ids) when an event came before its parents
 *   ◀─ ack(received) while a large catch-up streams in (flow control, below)
 *
 * Why version vectors: every replica is one tab holding a Web Lock, so its own events
 * form a chain (each names the heads, which include its previous event). A peer holding
 * author X's event at lamport L therefore holds all of X's events up to L, and the
 * clock (highest lamport per author) names a peer's whole causally closed set exactly.
 * The cost is one entry per author ever seen; replica reuse keeps that small.
 * Hellos also name the sender's heads: once a catch-up has fully arrived, any head still
 * unknown (a forked author chain, a peer that lied or lost data) is fetched with `want`,
 * walking parents from there. So the clock makes the common case exact in one round
 * trip, and the head check keeps arbitrary divergence correct.
 *
 * Streamed catch-up: a catch-up larger than its first window (below) is counted
 * (countAfter) for the catch-up message, then read and sent a page at a time: each page
 * ends with a `continue` effect, which the owner feeds back as a later input
 * (continueCatchUp). So the first frame leaves after one page is read, not the whole
 * missing set (100k events: ~750 ms on OPFS), and the sender holds one page, not all of
 * it. The pages hold exactly the events stored when the hello came (eventsAfterFrom's
 * `among`); events stored while the stream is under way are forwarded once it has
 * ended, in order. So the link carries catch-up(n), those n events, then live traffic,
 * as an unstreamed catch-up does: the peer's progress count stays exact, and each
 * event is sent once (invariant 4).
 *
 * Flow control (receiver-paced): a peer catching up acks, after each input that brought
 * catch-up events and left it still short of the announced total, how many events it has
 * received on the link; effects apply in order, so those are stored by then. The sender
 * reads the next page only while fewer than `catchUpWindow` events (two pages) are sent
 * and not yet acked; otherwise the stream waits for an ack. A data channel delivers at
 * 15+ MB/s on loopback while OPFS stores ~2.5 MB/s: without this the whole catch-up
 * would be sent in the first second and wait in the receiver's memory, with every
 * thread of both tabs busy at once.
 *
 * Slow start: the window opens small and grows with the acks, as TCP's does. At first it
 * holds `catchUpFirst` events, and each event acked makes room for one more, up to the
 * full window; a page holds no more than the window. So the first page (1024 events) is
 * stored and drawn while the link still carries little, and the window doubles each
 * round trip up to two pages. Sent as two whole pages at once (16k events, ~1.7 MB),
 * that burst went through both tabs' network threads while the receiving UI drew its
 * first todos, the largest UI work of a catch-up: 8 of the 14 UI tasks over 50 ms in
 * five 40-visit runs of `npm run bench -- ui` came in a catch-up's first 600 ms. With
 * slow start the first rows show sooner (median 381 ms after the catch-up begins,
 * against 571 ms), none of the long tasks left came in that first 600 ms, and 2 of 120
 * visits had one (5 of 140 before).
 *
 * A stream ends as soon as its last announced event is sent: the peer acks only while it
 * is still short, so a stream that waited for room to learn it was over would wait for
 * ever, as a small window full at that moment would.
 *
 * The sender's transport queue adds a second, local brake (ReplicaNode.backlog). A peer
 * that acks too little only stalls its own catch-up; one that acks too much lets the
 * stream run ahead (the transport's queue still brakes it); neither changes what is
 * sent. Events a streaming peer asks for with `want` are sent after the last page too:
 * the peer counts every event it receives toward the announced total, so an answer
 * slipped in between pages would make it think the catch-up complete while pages are
 * still on their way (and check heads too early).
 *
 * Author keys: hellos name authors by an 8-byte key (messages.ts). When two of our own
 * authors share a key, a peer's entry for it cannot tell them apart, so for those authors
 * we assume the peer holds nothing (it may get events it has: dropped as duplicates, never
 * lost). A collision that we cannot see (the peer's author and ours differ, ours alone
 * known here) can only be forced by a peer choosing its replica id; what it hides is
 * still fetched by the head check and `want` (correct, at the cost of round trips).
 *
 * Invariants:
 *  1. Effects of one input are applied, in order, before the next input is handled.
 *  2. `store` effects carry validated events in (lamport, id) order whose parents are
 *     stored or earlier in the same effect.
 *  3. An event is stored only once its lamport equals 1 + max(parents' lamports).
 *  4. Events are never sent to a peer whose hello clock covers them, and each event is
 *     sent over a link at most once (catch-up, or one forward when first accepted),
 *     except when the peer asks for it with `want`.
 *  5. Nothing a peer sends can throw out of `receive`: bad input is logged and dropped.
 */
import type { EventId, ReplicaId, RoomId } from '../ids.ts'
import type { TodoEvent } from '../event.ts'
import { decodeEvent, encodeEvent } from '../event-codec.ts'
import type { EventStore, VersionVector } from '../event-store.ts'
import { type Ordered, compareEvents } from '../order.ts'
import type { Logger } from '../log.ts'
import {
  type AuthorClock,
  type AuthorKey,
  MAX_IDS_PER_WANT,
  PROTOCOL_VERSION,
  type SyncMessage,
  authorKey,
  encodeMessage,
  packEvents,
  parseMessage,
} from './messages.ts'

/** A transport-level peer (one link); not the same thing as the peer's replica id. */
export type PeerId = string & { readonly __brand: 'PeerId' }

export type SyncEffect =
  | { type: 'send'; peer: PeerId; bytes: Uint8Array }
  /**
   * `stored`: the lamports the engine read from the store for this batch (every stored
   * event the batch's events or parents name). Effects apply before the next input, so
   * the store still holds exactly these: the owner hands them to TodoLog.ingest, which
   * then need not read them again (a third of a large catch-up's store reads).
   */
  | { type: 'store'; events: TodoEvent[]; stored?: ReadonlyMap<EventId, number> }
  /** A streamed catch-up has more to send: call continueCatchUp(peer, stream) as a later input. */
  | { type: 'continue'; peer: PeerId; stream: number }

/** The part of the store the engine reads. */
export type SyncStoreView = Pick<EventStore, 'lamportsOf' | 'get' | 'clock' | 'eventsAfter' | 'countAfter' | 'eventsAfterFrom' | 'count' | 'heads'>

/** Events per page of a streamed catch-up: about four 256 KiB frames' worth, read in ~60 ms on OPFS. */
export const CATCH_UP_PAGE = 8192
/**
 * A streamed catch-up's window at its start (slow start, see "Flow control"); a catch-up
 * this small goes out in one piece.
 */
export const CATCH_UP_FIRST = 1024

export interface SyncEngineOptions {
  replica: ReplicaId
  room: RoomId
  store: SyncStoreView
  log: Logger
  /** Events per page of a streamed catch-up (CATCH_UP_PAGE; tests use small pages). */
  catchUpPage?: number
  /** Unacknowledged events a streamed catch-up may have in flight (default two pages). */
  catchUpWindow?: number
  /** The window at a stream's start, before any ack (CATCH_UP_FIRST; see "Flow control"). */
  catchUpFirst?: number
}

interface PeerState {
  /** Set once the peer's hello passed the checks. */
  replica: ReplicaId | null
  /**
   * The clock from the peer's hello: what it held when the link opened. Not advanced
   * afterwards — each event is accepted once and forwarded once, so only what the peer
   * held before the link needs filtering, and a forked author chain (two events with one
   * author and lamport) must not hide the second fork from it.
   */
  known: AuthorClock
  refused: boolean
  /** Catch-up progress: events announced by the peer's catch-up message, and received since. */
  expected: number
  received: number
  /** Its catch-up message arrived (one per link: a second would reset the count acks report). */
  caughtUpAnnounced: boolean
  /** The heads its hello named; checked once its catch-up has arrived. */
  heads: EventId[]
  /** Events sent to it since our catch-up message, and how many of them it has acked. */
  sentEvents: number
  acked: number
  /** Our streamed catch-up to it (see the header), while one is under way. */
  stream: CatchUpStream | null
}

interface CatchUpStream {
  /** Tells this stream's `continue` inputs from those of an earlier link to the same peer id. */
  id: number
  /** What the peer lacks: events after this clock… */
  clock: VersionVector
  /** …among the first `among` events stored (the store's count when the hello came). */
  among: number
  /** The last event sent (null before the first page). */
  after: Ordered | null
  /** Events announced in the catch-up message and not sent yet. */
  left: number
  /** Events to forward once the stream has ended, in the order they were accepted. */
  deferred: TodoEvent[]
  /** Events the peer asked for meanwhile (`want`), sent after the stream as well. */
  wanted: TodoEvent[]
  /** The next page waits for an ack (the window is full): see "Flow control". */
  waiting: boolean
}

/** Catch-up progress summed over peers still catching us up. */
export interface SyncProgress {
  received: number
  expected: number
}

/**
 * Whether `p` says a catch-up is under way. The UI (what it renders) and the log worker
 * (which todos it holds back from the UI) must agree on it.
 */
export const isCatchingUp = (p: SyncProgress): boolean => p.expected > 0 && p.received < p.expected

/** Events waiting for parents are bounded so a hostile peer cannot exhaust memory. */
export const MAX_PENDING = 100_000

export class SyncEngine {
  readonly #opts: SyncEngineOptions
  readonly #peers = new Map<PeerId, PeerState>()
  readonly #pending = new Map<EventId, TodoEvent>()
  /** Which peer sent each held event: it holds that event's ancestors, so they skip it. */
  readonly #pendingFrom = new Map<EventId, PeerId>()
  readonly #pendingByParent = new Map<EventId, Set<EventId>>()
  readonly #requested = new Set<EventId>()
  /** Streamed catch-ups started, for their ids. */
  #streams = 0

  constructor(opts: SyncEngineOptions) {
    this.#opts = opts
  }

  /** Peers whose hello was accepted. */
  readyPeers(): PeerId[] {
    return [...this.#peers].filter(([, s]) => s.replica !== null && !s.refused).map(([p]) => p)
  }

  /** The replica behind each peer whose hello was accepted (for the UI's peer list). */
  peerReplicas(): Map<PeerId, ReplicaId> {
    const out = new Map<PeerId, ReplicaId>()
    for (const [peer, s] of this.#peers) if (s.replica !== null && !s.refused) out.set(peer, s.replica)
    return out
  }

  /** Catch-up progress over peers whose announced catch-up has not fully arrived yet. */
  progress(): SyncProgress {
    let received = 0
    let expected = 0
    for (const s of this.#peers.values()) {
      if (s.received < s.expected) {
        received += s.received
        expected += s.expected
      }
    }
    return { received, expected }
  }

  /** Events held back until their parents arrive. */
  pendingCount(): number {
    return this.#pending.size
  }

  /** A link opened: greet the peer with our clock. */
  async peerConnected(peer: PeerId): Promise<SyncEffect[]> {
    this.#peers.set(peer, {
      replica: null,
      known: new Map(),
      refused: false,
      expected: 0,
      received: 0,
      caughtUpAnnounced: false,
      heads: [],
      stream: null,
      sentEvents: 0,
      acked: 0,
    })
    const clock = keyedClock(await this.#opts.store.clock())
    const heads = await this.#opts.store.heads()
    return [this.#send(peer, { type: 'hello', replica: this.#opts.replica, room: this.#opts.room, clock, heads })]
  }

  /** A link closed: forget the peer. */
  peerDisconnected(peer: PeerId): void {
    this.#peers.delete(peer)
    // Its answers to our wants will not come: let the next peer be asked again.
    this.#requested.clear()
  }

  /** Events authored here: push them to every ready peer that lacks them. */
  localEvents(events: readonly TodoEvent[]): SyncEffect[] {
    return this.#forward(events, new Map())
  }

  /**
   * A run of frames arrived from one peer, handled as one input: consecutive `events`
   * frames are validated, accepted and stored together (one transaction for the owner
   * instead of one per frame, which is what limits a large catch-up on OPFS). The owner
   * passes several frames only when all are events frames (messages.ts isEventsFrame), so
   * no frame's handling depends on an earlier frame's effects being applied.
   */
  async receiveMany(peer: PeerId, frames: readonly Uint8Array[]): Promise<SyncEffect[]> {
    if (frames.length === 1) return this.receive(peer, frames[0]!)
    const state = this.#peers.get(peer)
    if (!state) {
      this.#opts.log.warn('frames from unknown peer dropped', { peer, frames: frames.length })
      return []
    }
    if (state.refused) return []
    const events: Uint8Array[] = []
    for (const bytes of frames) {
      const parsed = parseMessage(bytes)
      if (parsed.type !== 'ok' || parsed.message.type !== 'events') {
        // Not what the owner promised: handle it alone, after the events gathered so far.
        this.#opts.log.warn('receiveMany given a frame that is not an events frame; handled alone', { peer })
        const effects = events.length > 0 ? await this.#eventsArrived(peer, state, events) : []
        return [...effects, ...(await this.receive(peer, bytes))]
      }
      events.push(...parsed.message.events)
    }
    if (state.replica === null) {
      this.#opts.log.warn('events before hello dropped', { peer })
      return []
    }
    return this.#eventsArrived(peer, state, events)
  }

  /** A frame arrived from a peer. */
  async receive(peer: PeerId, bytes: Uint8Array): Promise<SyncEffect[]> {
    const state = this.#peers.get(peer)
    if (!state) {
      this.#opts.log.warn('frame from unknown peer dropped', { peer })
      return []
    }
    if (state.refused) return []
    const parsed = parseMessage(bytes)
    if (parsed.type === 'version-mismatch') {
      state.refused = true
      this.#opts.log.warn('peer speaks another protocol version; refused', { peer, version: parsed.version })
      return [this.#send(peer, { type: 'refuse', reason: `protocol version ${PROTOCOL_VERSION} required` })]
    }
    if (parsed.type === 'rejected') {
      this.#opts.log.warn(`malformed frame dropped: ${parsed.reason}`, { peer })
      return []
    }
    const m = parsed.message
    if (m.type === 'hello') return this.#onHello(peer, state, m)
    if (m.type === 'refuse') {
      state.refused = true
      this.#opts.log.warn(`peer refused us: ${m.reason}`, { peer })
      return []
    }
    if (state.replica === null) {
      this.#opts.log.warn(`${m.type} before hello dropped`, { peer })
      return []
    }
    if (m.type === 'want') return this.#onWant(peer, state, m.ids)
    if (m.type === 'ack') return this.#onAck(peer, state, m.received)
    if (m.type === 'catch-up') {
      if (state.caughtUpAnnounced) {
        this.#opts.log.warn('second catch-up on a link dropped', { peer })
        return []
      }
      state.caughtUpAnnounced = true
      state.expected = m.total
      state.received = 0
      return m.total === 0 ? this.#checkHeads(peer, state, new Set()) : []
    }
    return this.#eventsArrived(peer, state, m.events)
  }

  /** Events from a ready peer's events frame(s): counted for progress, then accepted. */
  async #eventsArrived(peer: PeerId, state: PeerState, events: Uint8Array[]): Promise<SyncEffect[]> {
    const before = state.received
    state.received += events.length
    const effects = await this.#onEvents(peer, state, events)
    // Still short of the total: tell the sender how far we got (see "Flow control").
    if (before < state.expected && state.received < state.expected) effects.push(this.#send(peer, { type: 'ack', received: state.received }))
    if (before < state.expected && state.received >= state.expected) {
      // The heads may be in this very frame, stored only once these effects are applied.
      const arriving = new Set(effects.flatMap((e) => (e.type === 'store' ? e.events.map((x) => x.id) : [])))
      effects.push(...(await this.#checkHeads(peer, state, arriving)))
    }
    return effects
  }

  async #onHello(peer: PeerId, state: PeerState, m: Extract<SyncMessage, { type: 'hello' }>): Promise<SyncEffect[]> {
    if (state.replica !== null) {
      // One handshake per link: a repeated hello would make us resend everything since.
      this.#opts.log.warn('second hello on a link dropped', { peer })
      return []
    }
    if (m.room !== this.#opts.room) {
      state.refused = true
      this.#opts.log.warn('peer is in another room; refused', { peer })
      return [this.#send(peer, { type: 'refuse', reason: 'wrong room' })]
    }
    if (m.replica === this.#opts.replica) {
      state.refused = true
      this.#opts.log.warn('peer claims our own replica id; refused', { peer })
      return [this.#send(peer, { type: 'refuse', reason: 'duplicate replica' })]
    }
    state.replica = m.replica
    const { known, clock } = peerClock(m.clock, await this.#opts.store.clock())
    state.known = known
    state.heads = m.heads
    const store = this.#opts.store
    const total = await store.countAfter(clock)
    if (total <= Math.min(this.#page, this.#first)) {
      const missing = await store.eventsAfter(clock)
      return [this.#send(peer, { type: 'catch-up', total: missing.length }), ...this.#sendEvents(peer, state, missing)]
    }
    // Streamed (see the header): the first page now, the rest as `continue` inputs.
    const among = await store.count()
    const size = this.#pageSize(state, total)
    const first = await store.eventsAfterFrom(clock, null, size, among)
    const stream: CatchUpStream = { id: ++this.#streams, clock, among, after: null, left: total, deferred: [], wanted: [], waiting: false }
    state.stream = stream
    return [this.#send(peer, { type: 'catch-up', total }), ...this.#sendPage(peer, state, stream, first, size)]
  }

  /**
   * Sends a page of `size` events asked for (`page` holds what the store had), then goes
   * on, or ends the stream once every announced event is sent: a stream must not need an
   * ack to learn that it is over, for the peer acks only while it is still short (the
   * window can be full just as the last page leaves, with a small window nearly always).
   * A short page ends it too (the store had fewer than announced, which it should not).
   */
  #sendPage(peer: PeerId, state: PeerState, stream: CatchUpStream, page: TodoEvent[], size: number): SyncEffect[] {
    stream.left -= page.length
    if (page.length === size && stream.left > 0) {
      stream.after = page.at(-1)!
      return [...this.#sendEvents(peer, state, page), ...this.#nextPage(peer, state, stream)]
    }
    state.stream = null
    return [...this.#sendEvents(peer, state, [...page, ...stream.deferred]), ...this.#sendEvents(peer, state, stream.wanted, true)]
  }

  /** After a page: go on (a `continue` effect) unless the window is full; then wait for an ack. */
  #nextPage(peer: PeerId, state: PeerState, stream: CatchUpStream): SyncEffect[] {
    stream.waiting = this.#windowFull(state)
    return stream.waiting ? [] : [{ type: 'continue', peer, stream: stream.id }]
  }

  /** The peer acked `received` events of this link: a stream waiting for room goes on. */
  #onAck(peer: PeerId, state: PeerState, received: number): SyncEffect[] {
    state.acked = Math.max(state.acked, received)
    const stream = state.stream
    if (!stream?.waiting || this.#windowFull(state)) return []
    stream.waiting = false
    return [{ type: 'continue', peer, stream: stream.id }]
  }

  /**
   * The next page of a streamed catch-up to `peer` (see the header), and after the last
   * one what was accepted meanwhile; nothing once the stream is done or the peer gone.
   */
  async continueCatchUp(peer: PeerId, streamId: number): Promise<SyncEffect[]> {
    const state = this.#peers.get(peer)
    const stream = state?.stream
    if (!state || !stream || stream.id !== streamId || state.refused || stream.waiting) return []
    const size = this.#pageSize(state, stream.left)
    const page = await this.#opts.store.eventsAfterFrom(stream.clock, stream.after, size, stream.among)
    return this.#sendPage(peer, state, stream, page, size)
  }

  get #page(): number {
    return Math.max(1, this.#opts.catchUpPage ?? CATCH_UP_PAGE)
  }

  /** The stream has sent as many unacked events as its window allows (see "Flow control"). */
  #windowFull(state: PeerState): boolean {
    return state.sentEvents - state.acked >= this.#window(state)
  }

  /** Unacked events the stream may have: catchUpFirst at first, plus each event acked, up to the full window. */
  #window(state: PeerState): number {
    const full = Math.max(this.#page, this.#opts.catchUpWindow ?? 2 * this.#page)
    return Math.min(full, this.#first + state.acked)
  }

  /**
   * Events in the stream's next page: a page, or the window while that is smaller (slow
   * start), and no more than the `left` still announced.
   */
  #pageSize(state: PeerState, left: number): number {
    return Math.min(this.#page, this.#window(state), left)
  }

  get #first(): number {
    return Math.max(1, this.#opts.catchUpFirst ?? CATCH_UP_FIRST)
  }

  async #onWant(peer: PeerId, state: PeerState, ids: EventId[]): Promise<SyncEffect[]> {
    const found = await this.#opts.store.get(ids)
    if (state.stream) {
      state.stream.wanted.push(...found) // after the last page (see "Flow control")
      return []
    }
    return this.#sendEvents(peer, state, found, true)
  }

  async #onEvents(peer: PeerId, state: PeerState, frames: Uint8Array[]): Promise<SyncEffect[]> {
    const incoming: TodoEvent[] = []
    for (const bytes of frames) {
      const d = decodeEvent(bytes)
      if (d.type === 'rejected') this.#opts.log.warn(`invalid event dropped: ${d.reason}`, { peer })
      else incoming.push(d.event)
    }
    incoming.sort(compareEvents)

    const lookup = new Set<EventId>()
    for (const e of incoming) {
      lookup.add(e.id)
      for (const p of e.parents) lookup.add(p)
    }
    const fromStore = await this.#opts.store.lamportsOf([...lookup])
    const lamports = new Map(fromStore)
    const accepted: TodoEvent[] = []
    const wanted = new Set<EventId>()

    const tryAccept = (e: TodoEvent): 'accepted' | 'waiting' | 'dropped' => {
      if (lamports.has(e.id)) return 'dropped' // duplicate
      let max = 0
      const missing: EventId[] = []
      for (const p of e.parents) {
        const l = lamports.get(p)
        if (l === undefined) missing.push(p)
        else if (l > max) max = l
      }
      if (missing.length > 0) {
        this.#hold(e, missing, wanted)
        return 'waiting'
      }
      if (e.lamport !== max + 1) {
        this.#opts.log.warn('event with wrong lamport dropped', { peer, id: e.id, lamport: e.lamport, expected: max + 1 })
        return 'dropped'
      }
      lamports.set(e.id, e.lamport)
      accepted.push(e)
      return 'accepted'
    }

    const sourceOf = new Map<EventId, PeerId>()
    for (const e of incoming) {
      sourceOf.set(e.id, peer)
      if (!this.#pending.has(e.id) && tryAccept(e) === 'waiting') this.#pendingFrom.set(e.id, peer)
    }

    // Release held events whose last missing parent just arrived (transitively).
    for (let i = 0; i < accepted.length; i++) {
      const children = this.#pendingByParent.get(accepted[i]!.id)
      if (!children) continue
      this.#pendingByParent.delete(accepted[i]!.id)
      for (const childId of children) {
        const child = this.#pending.get(childId)
        if (!child) continue
        const unknown = child.parents.filter((p) => !lamports.has(p))
        if (unknown.length > 0) {
          const found = await this.#opts.store.lamportsOf(unknown)
          for (const [id, l] of found) {
            lamports.set(id, l)
            fromStore.set(id, l)
          }
        }
        const from = this.#pendingFrom.get(child.id)
        if (from) sourceOf.set(child.id, from)
        this.#unhold(child)
        if (tryAccept(child) === 'waiting' && from) this.#pendingFrom.set(child.id, from)
      }
    }

    const effects: SyncEffect[] = []
    if (accepted.length > 0) {
      accepted.sort(compareEvents)
      for (const e of accepted) this.#requested.delete(e.id)
      effects.push({ type: 'store', events: accepted, stored: fromStore })
      effects.push(...this.#forward(accepted, sourceOf))
    }
    const ask = [...wanted].filter((id) => !this.#requested.has(id)).slice(0, MAX_IDS_PER_WANT)
    if (ask.length > 0) {
      for (const id of ask) this.#requested.add(id)
      effects.push(this.#send(peer, { type: 'want', ids: ask }))
    }
    return effects
  }

  /** After a catch-up: asks for the peer's heads we still lack (see the header). */
  async #checkHeads(peer: PeerId, state: PeerState, arriving: ReadonlySet<EventId>): Promise<SyncEffect[]> {
    const heads = state.heads.filter((h) => !arriving.has(h))
    state.heads = []
    if (heads.length === 0) return []
    const known = await this.#opts.store.lamportsOf(heads)
    const ask = heads.filter((h) => !known.has(h) && !this.#pending.has(h) && !this.#requested.has(h))
    if (ask.length === 0) return []
    this.#opts.log.warn('heads still unknown after catch-up; fetching them', { peer, count: ask.length })
    for (const id of ask) this.#requested.add(id)
    return [this.#send(peer, { type: 'want', ids: ask })]
  }

  #hold(e: TodoEvent, missing: EventId[], wanted: Set<EventId>): void {
    if (this.#pending.size >= MAX_PENDING) {
      this.#opts.log.warn('too many events waiting for parents; dropped one', { id: e.id })
      return
    }
    this.#pending.set(e.id, e)
    for (const p of missing) {
      let children = this.#pendingByParent.get(p)
      if (!children) this.#pendingByParent.set(p, (children = new Set()))
      children.add(e.id)
      if (!this.#pending.has(p)) wanted.add(p)
    }
  }

  #unhold(e: TodoEvent): void {
    this.#pending.delete(e.id)
    this.#pendingFrom.delete(e.id)
  }

  /**
   * Forwards newly accepted events (parents first) to every ready peer, except what a
   * peer is known to hold: the events it sent us, and their ancestors among `events`.
   * A peer we are streaming a catch-up to gets them when the stream ends.
   */
  #forward(events: readonly TodoEvent[], sourceOf: ReadonlyMap<EventId, PeerId>): SyncEffect[] {
    const effects: SyncEffect[] = []
    for (const [peer, state] of this.#peers) {
      if (state.replica === null || state.refused) continue
      const holds = new Set<EventId>()
      for (let i = events.length - 1; i >= 0; i--) {
        const e = events[i]!
        if (sourceOf.get(e.id) !== peer && !holds.has(e.id)) continue
        holds.add(e.id)
        for (const p of e.parents) holds.add(p)
      }
      const lacking = holds.size === 0 ? events : events.filter((e) => !holds.has(e.id))
      if (state.stream) state.stream.deferred.push(...lacking) // sent when the stream ends
      else if (lacking.length > 0) effects.push(...this.#sendEvents(peer, state, lacking))
    }
    return effects
  }

  /** Sends events the peer is not known to hold (all of them when `force`, for wants). */
  #sendEvents(peer: PeerId, state: PeerState, events: readonly TodoEvent[], force = false): SyncEffect[] {
    const out = force ? [...events] : events.filter((e) => e.lamport > (state.known.get(authorKey(e.author)) ?? 0))
    state.sentEvents += out.length
    return packEvents(out.map(encodeEvent)).map((bytes) => ({ type: 'send', peer, bytes }) as const)
  }

  #send(peer: PeerId, m: SyncMessage): SyncEffect {
    return { type: 'send', peer, bytes: encodeMessage(m) }
  }
}

/** Our clock keyed for a hello; two authors sharing a key send the lower lamport. */
function keyedClock(clock: VersionVector): AuthorClock {
  const keyed: AuthorClock = new Map()
  for (const [author, lamport] of clock) {
    const key = authorKey(author)
    keyed.set(key, Math.min(lamport, keyed.get(key) ?? Infinity))
  }
  return keyed
}

/**
 * A peer's hello clock read against our authors: `clock` for eventsAfter (per full
 * author id), `known` for filtering later sends. Keys that two of our authors share are
 * left out of both: we cannot tell which author the peer meant (see "Author keys").
 */
function peerClock(theirs: AuthorClock, ours: VersionVector): { known: AuthorClock; clock: VersionVector } {
  const authorsByKey = new Map<AuthorKey, number>()
  for (const author of ours.keys()) {
    const key = authorKey(author)
    authorsByKey.set(key, (authorsByKey.get(key) ?? 0) + 1)
  }
  const known = new Map(theirs)
  const clock: VersionVector = new Map()
  for (const author of ours.keys()) {
    const key = authorKey(author)
    if ((authorsByKey.get(key) ?? 0) > 1) {
      known.delete(key)
      continue
    }
    const lamport = theirs.get(key)
    if (lamport !== undefined) clock.set(author, lamport)
  }
  return { known, clock }
}
