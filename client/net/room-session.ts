/**
 * RoomSession: everything a tab runs while in a room, wired together.
 *
 *   SignalingClient ──announce/signal──▶ PeerMesh (simple-peer links, UI thread)
 *                                           │  {peer, bytes}
 *                                           ▼
 *                                      log worker (ReplicaNode on wa-sqlite/OPFS)
 *                                           │  snapshots
 *                                           ▼
 *                                      listeners (the Pinia store)
 */
import { type ReplicaId, type TodoId, isReplicaId, randomHex } from '../../shared/ids.ts'
import type { EventValue } from '../../shared/event.ts'
import { type RoomAddress, signalingTopic } from '../../shared/room-link.ts'
import { SignalingClient } from './signaling-client.ts'
import { PeerMesh } from './peer-mesh.ts'
import { type FromWorker, type LogSnapshot, type ToWorker, isFromWorker } from '../worker/protocol.ts'

export type SignalingStatus = 'online' | 'offline' | 'connecting'

export interface RoomSessionListener {
  snapshot(s: LogSnapshot): void
  replica(id: ReplicaId): void
  signaling(status: SignalingStatus): void
  peers(ids: string[]): void
  fatal(message: string): void
}

const REPLICA_KEY = (room: string) => `peerlog:replica:${room}`

/** Where the signaling server is: the origin that served the app, unless told otherwise. */
export function defaultSignalingUrl(): string {
  const override = new URLSearchParams(location.search).get('signaling')
  if (override) return override
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signaling`
}

export class RoomSession {
  readonly selfId = randomHex(8)
  readonly #worker: Worker
  readonly #signaling: SignalingClient
  readonly #mesh: PeerMesh
  readonly #pendingActs = new Map<number, { resolve(): void; reject(e: Error): void }>()
  #nextRequest = 1

  constructor(address: RoomAddress, listener: RoomSessionListener, opts: { signalingUrl?: string; forbidden?: string[] } = {}) {
    this.#worker = new Worker(new URL('../worker/log-worker.ts', import.meta.url), { type: 'module', name: 'peerlog-log' })
    this.#worker.addEventListener('message', (e: MessageEvent<unknown>) => this.#fromWorker(e.data, listener))
    this.#worker.addEventListener('error', (e) => listener.fatal(`Log worker failed: ${e.message}`))

    const stored = sessionStorage.getItem(REPLICA_KEY(address.room))
    this.#post({ type: 'open', room: address.room, preferredReplica: isReplicaId(stored) ? stored : null })

    const topic = signalingTopic(address)
    this.#signaling = new SignalingClient({ url: opts.signalingUrl ?? defaultSignalingUrl(), topics: [topic] })
    this.#signaling.on('status', (s) => listener.signaling(s))
    this.#mesh = new PeerMesh({
      selfId: this.selfId,
      topic,
      signaling: this.#signaling,
      forbidden: new Set(opts.forbidden ?? []),
      onOpen: (peer) => {
        this.#post({ type: 'link-open', peer })
        listener.peers(this.#mesh.openPeers())
      },
      onFrame: (peer, bytes) => this.#post({ type: 'link-frame', peer, bytes }, [bytes.buffer as ArrayBuffer]),
      onClose: (peer) => {
        this.#post({ type: 'link-close', peer })
        listener.peers(this.#mesh.openPeers())
      },
    })
    this.#roomKey = REPLICA_KEY(address.room)
    listener.signaling('connecting')
    this.#signaling.connect()
  }

  readonly #roomKey: string

  /** Records a user action as an event; resolves once it is stored locally. */
  act(todo: TodoId, eventType: string, value: EventValue): Promise<void> {
    const requestId = this.#nextRequest++
    return new Promise<void>((resolve, reject) => {
      this.#pendingActs.set(requestId, { resolve, reject })
      this.#post({ type: 'act', requestId, todo, eventType, value, time: Date.now() })
    })
  }

  /** Leaves the room: closes links, signaling and the worker (the replica stays stored). */
  close(): void {
    this.#mesh.close()
    this.#signaling.close()
    this.#worker.terminate()
  }

  #post(m: ToWorker, transfer: Transferable[] = []): void {
    this.#worker.postMessage(m, transfer)
  }

  #fromWorker(m: unknown, listener: RoomSessionListener): void {
    if (!isFromWorker(m)) {
      console.warn('[room-session] unknown message from worker dropped', m)
      return
    }
    const msg: FromWorker = m
    switch (msg.type) {
      case 'opened':
        sessionStorage.setItem(this.#roomKey, msg.replica)
        listener.replica(msg.replica)
        listener.snapshot(msg.snapshot)
        break
      case 'state':
        listener.snapshot(msg.snapshot)
        break
      case 'send':
        this.#mesh.send(msg.peer, msg.bytes)
        break
      case 'act-done': {
        const pending = this.#pendingActs.get(msg.requestId)
        this.#pendingActs.delete(msg.requestId)
        if (msg.error === null) pending?.resolve()
        else pending?.reject(new Error(msg.error))
        break
      }
      case 'fatal':
        listener.fatal(msg.message)
        break
    }
  }
}
