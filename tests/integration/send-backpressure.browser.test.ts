/**
 * Flow control of a streamed catch-up over a real data channel (Vitest browser mode,
 * Chromium), both brakes:
 *  - the receiver's acks: the sender keeps at most a window of events unacked (two
 *    pages), so the queue in front of the channel never holds more than that;
 *  - the sender's own queue: its pages wait while its SendQueue is backlogged, so frames
 *    never pile up beyond the backlog mark plus the page being sent, whatever the window
 *    (tested with a window as large as the whole catch-up).
 *
 *   sender ReplicaNode ─send─▶ SendQueue ─▶ RTCDataChannel ═══ RTCDataChannel ─▶ receiver ReplicaNode
 *         ▲                       │ onBacklog
 *         └── backlog(peer, …) ───┘
 *
 * Without `nextTurn` the sender reads its pages in one run of microtasks, so the channel
 * cannot drain between them: without flow control the whole catch-up would sit in the
 * queue. (The app's worker also yields a macrotask between pages; this is the worst case.)
 * Both replicas keep their logs in memory: what is under test is the link, not storage.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SendQueue } from '../../client/net/send-queue.ts'
import { encodeEvent } from '../../shared/event-codec.ts'
import { newRoomId, newTodoId } from '../../shared/ids.ts'
import { recordingLogger } from '../../shared/log.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { ReplicaNode } from '../../shared/sync/replica-node.ts'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { type ChannelPair, connectPair } from '../helpers/data-channel-pair.ts'
import { replica } from '../helpers/fixtures.ts'

const EVENTS = 40_000
const PAGE = 1_000
const KIB = 1024
const BACKLOG_HIGH = 256 * KIB
const BACKLOG_LOW = 64 * KIB

let pair: ChannelPair | null = null
afterEach(() => pair?.close())

/** A sender holding EVENTS events and a fresh receiver, linked over a real data channel. */
async function linkedPair({ flowControl, window }: { flowControl: boolean; window?: number }) {
  const room = newRoomId()
  pair = await connectPair('backpressure')
  const { a, b } = pair
  // How each side names the other.
  const [theReceiver, theSender] = ['receiver' as PeerId, 'sender' as PeerId]
  const sender: ReplicaNode = new ReplicaNode({
    replica: replica(1),
    room,
    log: await TodoLog.open(new MemoryEventStore()),
    logger: recordingLogger(),
    catchUpPage: PAGE,
    catchUpWindow: window,
    // A window given is open from the start: slow start (sync-engine.ts) would be one
    // more brake, paced by acks, in front of the one under test.
    catchUpFirst: window,
    send: (_peer, bytes) => outbox.push(bytes),
  })
  const outbox = new SendQueue({
    send: (bytes) => a.send(bytes as Uint8Array<ArrayBuffer>),
    buffered: () => a.bufferedAmount,
    onBacklog: (backlogged) => {
      pauses += backlogged ? 1 : 0
      if (flowControl) sender.backlog(theReceiver, backlogged)
    },
    highWater: BACKLOG_HIGH,
    lowWater: BACKLOG_LOW,
  })
  let pauses = 0
  a.addEventListener('bufferedamountlow', () => outbox.drain())
  const receiver = new ReplicaNode({
    replica: replica(2),
    room,
    log: await TodoLog.open(new MemoryEventStore()),
    logger: recordingLogger(),
    send: (_peer, bytes) => b.send(bytes as Uint8Array<ArrayBuffer>),
  })
  a.onmessage = (e: MessageEvent<ArrayBuffer>) => void sender.receive(theReceiver, new Uint8Array(e.data))
  b.onmessage = (e: MessageEvent<ArrayBuffer>) => void receiver.receive(theSender, new Uint8Array(e.data))

  for (let i = 0; i < EVENTS; i += 5_000) {
    const todo = newTodoId()
    await sender.actMany(Array.from({ length: 5_000 }, (_, j) => ({ todo, type: j ? 'set_content' : 'create', value: j ? `t${i + j}` : null, time: i + j })))
  }
  // An upper bound on one page's bytes: PAGE of the largest encoded event, plus framing.
  const largest = Math.max(...(await sender.log.store.eventsAfter(new Map())).map((e) => encodeEvent(e).byteLength))
  const pageBound = PAGE * largest + 4 * KIB
  /** Links the two; resolves once the receiver holds every event. */
  const catchUp = async () => {
    await sender.connect(theReceiver)
    await receiver.connect(theSender)
    const deadline = Date.now() + 60_000
    while ((await receiver.log.store.count()) < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  }
  return { sender, receiver, outbox, catchUp, pauses: () => pauses, pageBound }
}

describe('flow control of a streamed catch-up over a real data channel', () => {
  it('keeps at most two pages unacked: the receiver’s acks pace the stream, the queue never backlogs', async () => {
    const { sender, receiver, outbox, catchUp, pauses, pageBound } = await linkedPair({ flowControl: false })
    await catchUp()

    expect(await receiver.log.store.count()).toBe(EVENTS)
    expect(receiver.log.stateHash()).toBe(sender.log.stateHash())
    expect(outbox.maxBytes).toBeLessThanOrEqual(2 * pageBound)
    expect(pauses()).toBe(0)
  })

  it('pauses the stream while the send queue is backlogged: the queue stays under its mark plus one page', async () => {
    const { sender, receiver, outbox, catchUp, pauses, pageBound } = await linkedPair({ flowControl: true, window: EVENTS })
    await catchUp()

    expect(await receiver.log.store.count()).toBe(EVENTS)
    expect(receiver.log.stateHash()).toBe(sender.log.stateHash())
    expect(pauses()).toBeGreaterThan(1) // paused, resumed, paused again
    // A page already read when the mark is crossed is queued whole; the next one waits.
    expect(outbox.maxBytes).toBeLessThanOrEqual(BACKLOG_HIGH + pageBound)
  })

  it('(control) without either brake, the same catch-up piles up in the queue', async () => {
    const { receiver, outbox, catchUp, pageBound } = await linkedPair({ flowControl: false, window: EVENTS })
    await catchUp()

    expect(await receiver.log.store.count()).toBe(EVENTS)
    expect(outbox.maxBytes).toBeGreaterThan(BACKLOG_HIGH + pageBound)
  })
})
