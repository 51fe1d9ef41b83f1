/**
 * An in-memory network of ReplicaNodes over MemoryEventStores. Frames are delivered on
 * a microtask (not a timer), like automerge-repo's DummyNetworkAdapter: round-trip-heavy
 * tests stay fast and deterministic.
 */
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { ReplicaNode } from '../../shared/sync/replica-node.ts'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { type RoomId, newRoomId } from '../../shared/ids.ts'
import { recordingLogger } from '../../shared/log.ts'
import { replica } from './fixtures.ts'

export interface NetNode {
  name: string
  node: ReplicaNode
  warnings: string[]
  /** Frames this node sent, by destination. */
  sent: Map<string, number>
}

export class MemoryNetwork {
  readonly room: RoomId = newRoomId()
  readonly nodes = new Map<string, NetNode>()
  readonly #links = new Set<string>()
  #inFlight = 0
  frames = 0
  bytes = 0

  async add(name: string, n: number): Promise<NetNode> {
    const logger = recordingLogger()
    const sent = new Map<string, number>()
    const log = await TodoLog.open(new MemoryEventStore())
    const node = new ReplicaNode({
      replica: replica(n),
      room: this.room,
      log,
      logger,
      send: (peer, bytes) => this.#deliver(name, peer, bytes, sent),
    })
    const entry = { name, node, warnings: logger.warnings, sent }
    this.nodes.set(name, entry)
    return entry
  }

  async link(a: string, b: string): Promise<void> {
    this.#links.add(key(a, b))
    await Promise.all([this.#node(a).connect(b as PeerId), this.#node(b).connect(a as PeerId)])
  }

  async unlink(a: string, b: string): Promise<void> {
    this.#links.delete(key(a, b))
    await Promise.all([this.#node(a).disconnect(b as PeerId), this.#node(b).disconnect(a as PeerId)])
  }

  /** Waits until no frame is in flight and every node is idle. */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await Promise.all([...this.nodes.values()].map((n) => n.node.idle()))
      await new Promise((r) => setTimeout(r, 0))
      if (this.#inFlight === 0) return
    }
    throw new Error('network did not settle')
  }

  #node(name: string): ReplicaNode {
    const n = this.nodes.get(name)
    if (!n) throw new Error(`no node ${name}`)
    return n.node
  }

  #deliver(from: string, to: PeerId, bytes: Uint8Array, sent: Map<string, number>): void {
    if (!this.#links.has(key(from, to))) return
    sent.set(to, (sent.get(to) ?? 0) + 1)
    this.frames++
    this.bytes += bytes.byteLength
    this.#inFlight++
    queueMicrotask(() => {
      this.#inFlight--
      if (this.#links.has(key(from, to))) void this.#node(to).receive(from as PeerId, bytes)
    })
  }
}

const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`)
