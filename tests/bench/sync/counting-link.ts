/**
 * CountingLink: two ReplicaNodes ("A" and "B") joined by one reliable, ordered in-memory
 * link that moves one frame at a time and records every frame with its depth.
 *
 *   A.connect ─ hello (depth 1) ─────────▶ B.receive ─ catch-up, events (depth 2) ─▶ A
 *   B.connect ─ hello (depth 1) ─────────▶ A.receive ─ catch-up, events (depth 2) ─▶ B
 *
 * Round trips, precisely: a frame sent while a node handles the link opening
 * (ReplicaNode.connect, i.e. the hello) has depth 1; a frame sent while a node handles
 * a received frame of depth d has depth d + 1 (it answers that frame: one more
 * half-trip). Nodes handle one input at a time to completion (ReplicaNode's queue), and
 * the link delivers the next frame only once the receiver is idle, so every frame's
 * cause is exact. A session opens the link on both ends at once (WebRTC's `connect`
 * fires on both), runs until both sides are quiet (nothing in flight, both idle), and
 * closes it. Its half-trips = the largest depth of any frame sent; round trips =
 * half-trips / 2. So two hellos that cross followed by two replies that cross are
 * 2 half-trips = 1 round trip; a `want` and its answer after that add 1 more.
 * `convergedHalfTrips` is the depth of the last frame whose handling stored events
 * (when the data was all there; quiet may come later if useless frames follow).
 */
import { ReplicaNode } from '../../../shared/sync/replica-node.ts'
import type { PeerId } from '../../../shared/sync/sync-engine.ts'
import type { ReplicaId, RoomId } from '../../../shared/ids.ts'
import type { TodoLog } from '../../../shared/todo-log.ts'

export type Side = 'A' | 'B'

export interface LinkFrame {
  from: Side
  depth: number
  bytes: Uint8Array
}

export interface Session {
  frames: LinkFrame[]
  halfTrips: number
  convergedHalfTrips: number
  /** Remote events each side stored during the session. */
  stored: Record<Side, number>
}

const other = (s: Side): Side => (s === 'A' ? 'B' : 'A')

export class CountingLink {
  readonly nodes: Record<Side, ReplicaNode>
  readonly warnings: string[] = []
  #open = false
  #queue: Array<LinkFrame & { to: Side }> = []
  #frames: LinkFrame[] = []
  /** Depth of the input each side is handling right now (0: opening the link). */
  readonly #depth: Record<Side, number> = { A: 0, B: 0 }
  readonly #stored: Record<Side, number> = { A: 0, B: 0 }

  constructor(room: RoomId, sides: Record<Side, { replica: ReplicaId; log: TodoLog }>) {
    const make = (side: Side): ReplicaNode => {
      return new ReplicaNode({
        replica: sides[side].replica,
        room,
        log: sides[side].log,
        logger: { warn: (m) => this.warnings.push(`${side}: ${m}`), debug: () => {} },
        send: (_peer, bytes) => {
          if (!this.#open) return
          const frame = { from: side, to: other(side), depth: this.#depth[side] + 1, bytes }
          this.#queue.push(frame)
          this.#frames.push(frame)
        },
        onStored: (events, origin) => {
          if (origin === 'remote') this.#stored[side] += events.length
        },
      })
    }
    this.nodes = { A: make('A'), B: make('B') }
  }

  /** Opens the link on both ends, moves frames until both sides are quiet, closes it. */
  async session(): Promise<Session> {
    this.#open = true
    this.#frames = []
    this.#stored.A = this.#stored.B = 0
    this.#depth.A = this.#depth.B = 0
    await this.nodes.A.connect('B' as PeerId)
    await this.nodes.B.connect('A' as PeerId)
    let convergedHalfTrips = 0
    for (let frame = this.#queue.shift(); frame; frame = this.#queue.shift()) {
      const before = this.#stored[frame.to]
      this.#depth[frame.to] = frame.depth
      await this.nodes[frame.to].receive(frame.from as string as PeerId, frame.bytes)
      if (this.#stored[frame.to] > before) convergedHalfTrips = Math.max(convergedHalfTrips, frame.depth)
    }
    await Promise.all([this.nodes.A.idle(), this.nodes.B.idle()])
    if (this.#queue.length > 0) throw new Error('frames sent after the link went quiet')
    this.#open = false
    await this.nodes.A.disconnect('B' as PeerId)
    await this.nodes.B.disconnect('A' as PeerId)
    const frames = this.#frames
    return {
      frames,
      halfTrips: frames.reduce((m, f) => Math.max(m, f.depth), 0),
      convergedHalfTrips,
      stored: { ...this.#stored },
    }
  }
}
