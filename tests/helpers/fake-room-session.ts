/**
 * A stand-in for RoomSession in component tests (a real one starts a Worker, WebRTC and a
 * WebSocket). Swapped in with vi.mock; the real room store drives it, so store logic
 * (alerts, names, one transaction per add) runs for real while tests play the worker:
 *
 *   vi.mock('../../client/net/room-session.ts', async (original) => ({
 *     ...(await original()), RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession }))
 *
 *   FakeRoomSession.last.open(replica, { roomName: 'x' })   the worker opened the replica
 *   FakeRoomSession.last.push({ peerNames: {...} })          a later snapshot
 *   FakeRoomSession.last.failWith = new StorageFullError()   the next acts are refused
 *   FakeRoomSession.last.holdActs = true; … answerActs()     acts answered when the test says
 */
import type { ReplicaId } from '../../shared/ids.ts'
import type { RoomAddress } from '../../shared/room-link.ts'
import type { ActAction, LogSnapshot } from '../../client/worker/protocol.ts'
import type { RoomSessionListener } from '../../client/net/room-session.ts'

const EMPTY: LogSnapshot = { todos: [], counts: { total: 0, active: 0 }, lists: [], roomName: '', peerNames: {}, eventCount: 0, heads: [], interpretation: 'lww', stateHash: '' }

export class FakeRoomSession {
  /** The session the store created last. */
  static last: FakeRoomSession | null = null
  readonly address: RoomAddress
  readonly listener: RoomSessionListener
  /** Every act the store sent, one array per transaction. */
  readonly acts: ActAction[][] = []
  /** When set, acts are refused with it (nothing is stored). */
  failWith: Error | null = null
  /** When true, acts wait for answerActs() (the worker still storing them). */
  holdActs = false
  #held: Array<() => void> = []
  closed = false
  #snapshot: LogSnapshot = EMPTY

  constructor(address: RoomAddress, listener: RoomSessionListener) {
    this.address = address
    this.listener = listener
    FakeRoomSession.last = this
  }

  /** Plays the worker's `opened`: the replica, then the first snapshot. */
  open(replica: ReplicaId, snapshot: Partial<LogSnapshot> = {}): void {
    this.listener.replica(replica)
    this.push(snapshot)
  }

  /** Plays a later `state` message (fields not given keep their last value). */
  push(snapshot: Partial<LogSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...snapshot }
    this.listener.snapshot(this.#snapshot)
  }

  actMany(actions: ActAction[]): Promise<void> {
    this.acts.push(actions)
    const failWith = this.failWith
    const answer = () => (failWith ? Promise.reject(failWith) : Promise.resolve())
    if (!this.holdActs) return answer()
    return new Promise<void>((resolve) => this.#held.push(resolve)).then(answer)
  }

  /** Answers the first `count` acts held (all by default), in order. */
  answerActs(count = Infinity): void {
    for (const answer of this.#held.splice(0, count)) answer()
  }

  act(todo: ActAction['todo'], eventType: string, value: ActAction['value']): Promise<void> {
    return this.actMany([{ todo, eventType, value }])
  }

  history(): Promise<never[]> {
    return Promise.resolve([])
  }

  dag() {
    return Promise.resolve({ events: [], heads: [], total: 0 })
  }

  generate(): void {}
  interpret(): void {}

  close(): void {
    this.closed = true
  }
}
