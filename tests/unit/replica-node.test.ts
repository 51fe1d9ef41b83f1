/**
 * ReplicaNode runs every input to completion, in arrival order. Bulk actions ("mark all",
 * "clear completed") given as a function of the log are computed at their own turn, so
 * they see events that a peer sent before the user clicked, even when the UI's snapshot
 * did not show them yet.
 */
import { describe, expect, it } from 'vitest'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { MAX_FRAMES_PER_BATCH, ReplicaNode } from '../../shared/sync/replica-node.ts'
import { encodeMessage, parseMessage } from '../../shared/sync/messages.ts'
import { encodeEvent } from '../../shared/event-codec.ts'
import type { TodoEvent } from '../../shared/event.ts'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { newRoomId, newTodoId } from '../../shared/ids.ts'
import { recordingLogger } from '../../shared/log.ts'
import { chain, replica } from '../helpers/fixtures.ts'

interface Frame {
  to: PeerId
  bytes: Uint8Array
}

/** A MemoryEventStore that counts its commits (one per transaction in SqliteEventStore). */
class CountingStore extends MemoryEventStore {
  commits = 0
  override commit(...args: Parameters<MemoryEventStore['commit']>): ReturnType<MemoryEventStore['commit']> {
    this.commits++
    return super.commit(...args)
  }
}

/** A MemoryEventStore whose catch-up reads take a task each. */
class SlowReadingStore extends MemoryEventStore {
  override async eventsAfterFrom(...args: Parameters<MemoryEventStore['eventsAfterFrom']>): ReturnType<MemoryEventStore['eventsAfterFrom']> {
    await new Promise((resolve) => setTimeout(resolve, 0))
    return super.eventsAfterFrom(...args)
  }
}

async function pair() {
  const room = newRoomId()
  const outbox: Record<string, Frame[]> = { a: [], b: [] }
  const make = async (name: 'a' | 'b', n: number) =>
    new ReplicaNode({
      replica: replica(n),
      room,
      log: await TodoLog.open(new MemoryEventStore()),
      logger: recordingLogger(),
      send: (to, bytes) => outbox[name]!.push({ to, bytes }),
    })
  const nodes = { a: await make('a', 1), b: await make('b', 2) }
  /** Hands `from`'s queued frames to the other node, without waiting for it to handle them. */
  const deliver = (from: 'a' | 'b'): Promise<void>[] => {
    const to = from === 'a' ? nodes.b : nodes.a
    return outbox[from]!.splice(0).map((f) => to.receive(from as PeerId, f.bytes))
  }
  await nodes.a.connect('b' as PeerId)
  await nodes.b.connect('a' as PeerId)
  for (let i = 0; i < 4; i++) await Promise.all([...deliver('a'), ...deliver('b')])
  return { ...nodes, deliver }
}

describe('ReplicaNode', () => {
  it('computes a bulk action from the state left by every input queued before it', async () => {
    const { a, b, deliver } = await pair()
    const todo = newTodoId()
    await b.actMany([
      { todo, type: 'create', value: null, time: 1 },
      { todo, type: 'set_content', value: 'done elsewhere', time: 2 },
      { todo, type: 'complete', value: true, time: 3 },
    ])
    const arriving = deliver('b') // queued on a, not handled yet
    // What a UI snapshot taken now would offer "Clear completed": nothing.
    expect(a.log.visible().filter((t) => t.completed)).toEqual([])

    const cleared = await a.actMany((log) =>
      log
        .visible()
        .filter((t) => t.completed)
        .map((t) => ({ todo: t.id, type: 'delete', value: null, time: 4 })),
    )
    await Promise.all(arriving)

    expect(cleared.map((e) => [e.todo, e.type])).toEqual([[todo, 'delete']])
    expect(a.log.visible()).toEqual([])
  })

  it('authors nothing when a bulk action finds no todo to act on', async () => {
    const { a } = await pair()
    const before = await a.log.store.count()
    expect(await a.actMany(() => [])).toEqual([])
    expect(await a.log.store.count()).toBe(before)
  })

  it('handles a burst of events frames from one peer in few transactions, and stores them all', async () => {
    const store = new CountingStore()
    const room = newRoomId()
    const node = new ReplicaNode({
      replica: replica(1),
      room,
      log: await TodoLog.open(store),
      logger: recordingLogger(),
      send: () => {},
    })
    const peer = 'p' as PeerId
    await node.connect(peer)
    await node.receive(peer, encodeMessage({ type: 'hello', replica: replica(2), room, clock: new Map(), heads: [] }))
    const events: TodoEvent[] = chain(Array.from({ length: 40 }, () => ({ author: replica(2), type: 'set_content', value: 'x' })))
    const frames = events.map((e) => encodeMessage({ type: 'events', events: [encodeEvent(e)] }))
    const before = store.commits
    await Promise.all(frames.map((f) => node.receive(peer, f)))

    expect(await store.count()).toBe(40)
    // 40 frames arriving at once: batches of at most MAX_FRAMES_PER_BATCH, not 40 commits.
    expect(store.commits - before).toBe(Math.ceil(40 / MAX_FRAMES_PER_BATCH))
  })

  it('keeps the order of inputs: a frame after a local action is not pulled ahead of it', async () => {
    const { a, b, deliver } = await pair()
    const t = newTodoId()
    await b.actMany([{ todo: t, type: 'create', value: null, time: 1 }])
    const first = deliver('b')
    const local = a.actMany([{ todo: newTodoId(), type: 'create', value: null, time: 2 }])
    await b.actMany([{ todo: t, type: 'set_content', value: 'later', time: 3 }])
    const second = deliver('b')
    const [own] = await local
    await Promise.all([...first, ...second])
    // a's own event was authored after the first frame and before the second: it names
    // b's create as a parent, not b's set_content.
    const [bCreate, bEdit] = (await b.log.store.eventsAfter(new Map())).filter((e) => e.author === replica(2))
    expect(own!.parents).toContain(bCreate!.id)
    expect(own!.parents).not.toContain(bEdit!.id)
    expect(a.log.visible().find((x) => x.id === t)?.content).toBe('later')
  })
})

describe('ReplicaNode: flow control of a streamed catch-up', () => {
  /**
   * A node holding 40 events, streaming to fresh peers 5 events a page; its turns are ours
   * to give (`ownTurns` false: it takes them at once, as nodes without `nextTurn` do;
   * `slowReads`: reading a page takes a task, as on OPFS, not microtasks).
   */
  async function streamingSender({ ownTurns = true, slowReads = false } = {}) {
    const room = newRoomId()
    const sent: Array<{ to: PeerId; events: number }> = []
    const turns: Array<() => void> = []
    const node = new ReplicaNode({
      replica: replica(1),
      room,
      log: await TodoLog.open(slowReads ? new SlowReadingStore() : new MemoryEventStore()),
      logger: recordingLogger(),
      catchUpPage: 5,
      nextTurn: ownTurns ? () => new Promise<void>((resolve) => turns.push(resolve)) : undefined,
      send: (to, bytes) => {
        const parsed = parseMessage(bytes)
        if (parsed.type === 'ok' && parsed.message.type === 'events') sent.push({ to, events: parsed.message.events.length })
      },
    })
    const todo = newTodoId()
    await node.actMany(Array.from({ length: 40 }, (_, i) => ({ todo, type: i ? 'set_content' : 'create', value: i ? `v${i}` : null, time: i })))
    const joined = new Set<PeerId>()
    /** Opens a link to `peer`, a fresh replica, which asks for everything. */
    const join = async (peer: PeerId, n: number) => {
      joined.add(peer)
      await node.connect(peer)
      await node.receive(peer, encodeMessage({ type: 'hello', replica: replica(n), room, clock: new Map(), heads: [] }))
    }
    /**
     * Each peer acks all it got (so the engine's own ack window never holds a stream:
     * what holds it here is the backlog alone), then every waiting turn is given and the
     * inputs they queued run.
     */
    const turn = async () => {
      for (const peer of joined) await node.receive(peer, encodeMessage({ type: 'ack', received: eventsTo(peer) }))
      for (const give of turns.splice(0)) give()
      await node.idle()
      await new Promise((resolve) => setTimeout(resolve, 0))
      await node.idle()
    }
    const leave = async (peer: PeerId) => {
      joined.delete(peer)
      await node.disconnect(peer)
    }
    const eventsTo = (peer: PeerId) => sent.filter((s) => s.to === peer).reduce((n, s) => n + s.events, 0)
    return { node, join, leave, turn, eventsTo }
  }

  it('reads no further page for a peer whose transport queue is backlogged, and resumes once it drained', async () => {
    const { node, join, turn, eventsTo } = await streamingSender()
    const p = 'p' as PeerId
    await join(p, 2)
    expect(eventsTo(p)).toBe(5) // the first page goes with catch-up(40)
    node.backlog(p, true)
    for (let i = 0; i < 5; i++) await turn()
    expect(eventsTo(p)).toBe(5)
    node.backlog(p, false)
    await turn()
    expect(eventsTo(p)).toBe(10)
    for (let i = 0; i < 10; i++) await turn()
    expect(eventsTo(p)).toBe(40)
  })

  it('holds back only the backlogged peer: another stream and local events go on', async () => {
    const { node, join, turn, eventsTo } = await streamingSender()
    const [p, q] = ['p' as PeerId, 'q' as PeerId]
    await join(p, 2)
    await join(q, 3)
    node.backlog(p, true)
    for (let i = 0; i < 10; i++) await turn()
    expect(eventsTo(q)).toBe(40)
    expect(eventsTo(p)).toBe(5)
    node.backlog(p, false)
    for (let i = 0; i < 10; i++) await turn()
    expect(eventsTo(p)).toBe(40)
  })

  it('waits again when the queue fills up again before the page was read', async () => {
    const { node, join, turn, eventsTo } = await streamingSender()
    const p = 'p' as PeerId
    await join(p, 2)
    node.backlog(p, true)
    await turn()
    node.backlog(p, false)
    node.backlog(p, true) // drained and full again before the waiting page got its turn
    for (let i = 0; i < 5; i++) await turn()
    expect(eventsTo(p)).toBe(5)
    node.backlog(p, false)
    for (let i = 0; i < 10; i++) await turn()
    expect(eventsTo(p)).toBe(40)
  })

  it('does not keep a closed link waiting: its stream ends and a new link streams afresh', async () => {
    const { node, join, leave, turn, eventsTo } = await streamingSender()
    const p = 'p' as PeerId
    await join(p, 2)
    node.backlog(p, true)
    await leave(p)
    for (let i = 0; i < 5; i++) await turn()
    expect(eventsTo(p)).toBe(5) // the old stream's waiting page was dropped, not sent on the dead link
    await join(p, 2) // the same peer id links again: not backlogged any more
    for (let i = 0; i < 10; i++) await turn()
    expect(eventsTo(p)).toBe(45)
  })

  it('settled() waits for the inputs queued meanwhile, such as the page an ack lets out; idle() only for those queued before it', async () => {
    const { node, join, eventsTo } = await streamingSender({ ownTurns: false, slowReads: true })
    const p = 'p' as PeerId
    await join(p, 2)
    expect(eventsTo(p)).toBe(5)
    void node.receive(p, encodeMessage({ type: 'ack', received: 5 }))
    const idle = node.idle().then(() => eventsTo(p))
    const settled = node.settled().then(() => eventsTo(p))
    // The ack's own input sends the page it opens the window for; the one after is a
    // 'continue' input that the ack queues, which idle() does not wait for.
    expect(await idle).toBe(10)
    expect(await settled).toBe(15)
  })
})
