/**
 * The sync bench page: exposes `window.runSyncBench` for Playwright
 * (tests/bench/sync/chromium-sync.ts). Everything runs in this one page:
 *
 *   worker S (OPFS, 100k events) ─send─▶ page ─▶ RTCDataChannel ─▶ page ─frame─▶ worker R (fresh OPFS)
 *                                 ◀─frame─ page ◀─ RTCDataChannel ◀─ page ◀─send─
 *
 * The two RTCPeerConnections are both here, their offer, answer and ICE candidates handed
 * across directly (no signaling server); the data channel between them is real (SCTP
 * over DTLS over loopback UDP). Sends queue per direction in the app's SendQueue
 * (client/net/send-queue.ts), as PeerMesh does: the channel gets more only while its
 * bufferedAmount is under 1 MiB, and the sending worker pauses its catch-up stream while
 * the queue holds over 4 MiB.
 *
 * Order: S builds its log (timed commits: the raw OPFS insert rate), R opens a fresh
 * database, the raw channel run (64 KiB messages, same backpressure), the catch-up on a
 * new connection pair (then both replicas are checked), the raw channel run again, the
 * raw insert again (S, scratch database): each limit is sampled on both sides of the
 * catch-up, since other work on a shared machine drifts from minute to minute.
 */
import type { EventId } from '../../../shared/ids.ts'
import { CHANNEL_HIGH, SendQueue } from '../../../client/net/send-queue.ts'
import { connectPair } from '../../helpers/data-channel-pair.ts'
import type { SyncConfig } from '../sync/config.ts'
import type {
  CatchupRun,
  ChannelRun,
  ChromiumSyncResult,
  FromSyncWorker,
  RawInsert,
  SenderBuilt,
  SyncBenchWindow,
  ToSyncWorker,
  WorkerCheck,
} from './sync-bench-protocol.ts'

const SENDER_DB = 'bench-sync-sender.db'
const SCRATCH_DB = 'bench-sync-scratch.db'
const RECEIVER_DB = 'bench-sync-receiver.db'
/** The catch-up gives up after this long (a stuck protocol must not hang the suite). */
const CATCHUP_TIMEOUT_MS = 240_000

/** A request to a worker, before `ask` numbers it. */
type Request = Extract<ToSyncWorker, { id: number }> extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never

const log = (text: string) => console.info(`[chromium] ${text}`)

/** A worker with request/response on top of its message stream. */
class BenchWorker {
  readonly worker = new Worker(new URL('./sync-bench-worker.ts', import.meta.url), { type: 'module' })
  onSend: (bytes: Uint8Array) => void = () => {}
  onCaughtUp: () => void = () => {}
  #next = 0
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()

  constructor(readonly name: string) {
    this.worker.addEventListener('message', (event: MessageEvent<FromSyncWorker>) => {
      const m = event.data
      if (m.type === 'send') this.onSend(m.bytes)
      else if (m.type === 'caught-up') this.onCaughtUp()
      else if (m.type === 'progress') log(m.text)
      else {
        const p = this.#pending.get(m.id)
        this.#pending.delete(m.id)
        if (m.type === 'done') p?.resolve(m.result)
        else p?.reject(new Error(`${this.name}: ${m.message}`))
      }
    })
    this.worker.addEventListener('error', (event) => {
      for (const p of this.#pending.values()) p.reject(new Error(`${this.name} worker error: ${event.message}`))
      this.#pending.clear()
    })
  }

  ask<T>(message: Request): Promise<T> {
    const id = this.#next++
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ ...message, id })
    })
  }

  post(message: ToSyncWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer)
  }
}

/** One direction of a channel: the app's SendQueue, with what the bench reports about it. */
class Outbox {
  maxBuffered = 0
  waits = 0
  /** Times the producer was asked to pause. */
  backlogs = 0
  readonly queue: SendQueue
  constructor(
    readonly channel: RTCDataChannel,
    onBacklog: (backlogged: boolean) => void = () => {},
  ) {
    this.queue = new SendQueue({
      send: (bytes) => {
        channel.send(bytes as Uint8Array<ArrayBuffer>)
        this.maxBuffered = Math.max(this.maxBuffered, channel.bufferedAmount)
      },
      buffered: () => channel.bufferedAmount,
      onBacklog: (backlogged) => {
        if (backlogged) this.backlogs++
        onBacklog(backlogged)
      },
    })
    channel.addEventListener('bufferedamountlow', () => this.queue.drain())
  }
  push(bytes: Uint8Array): void {
    this.queue.push(bytes)
    if (this.queue.bytes > 0) this.waits++
  }
}

/** Raw throughput: `total` bytes in `size`-byte messages, one way, under backpressure. */
async function measureChannel(size: number, total: number): Promise<ChannelRun> {
  const pair = await connectPair('raw')
  try {
    const run = (bytes: number) =>
      new Promise<number>((resolve) => {
        const message = new Uint8Array(size)
        let received = 0
        pair.b.onmessage = (e: MessageEvent<ArrayBuffer>) => {
          received += e.data.byteLength
          if (received >= bytes) resolve(performance.now() - start)
        }
        const start = performance.now()
        let sent = 0
        const pump = () => {
          while (sent < bytes && pair.a.bufferedAmount < CHANNEL_HIGH) {
            pair.a.send(message)
            sent += size
          }
        }
        pair.a.onbufferedamountlow = pump
        pump()
      })
    await run(Math.min(total, 8 * size * 16)) // warm-up: let SCTP open its window
    const ms = await run(total)
    return { bytes: total, messageBytes: size, ms, bytesPerS: total / (ms / 1000), setupMs: pair.setupMs }
  } finally {
    pair.close()
  }
}

async function measureCatchup(sender: BenchWorker, receiver: BenchWorker, events: number): Promise<CatchupRun> {
  const pair = await connectPair('sync')
  try {
    const toReceiver = new Outbox(pair.a, (backlogged) => sender.post({ type: 'backlog', backlogged }))
    const toSender = new Outbox(pair.b)
    let framesToReceiver = 0
    let bytesToReceiver = 0
    let firstEventsFrameAt = 0
    sender.onSend = (bytes) => {
      // S's frames: hello, then (answering R's hello) catch-up, then the events frames.
      if (++framesToReceiver === 3) firstEventsFrameAt = performance.now()
      bytesToReceiver += bytes.byteLength
      toReceiver.push(bytes)
    }
    receiver.onSend = (bytes) => toSender.push(bytes)
    pair.b.onmessage = (e: MessageEvent<ArrayBuffer>) => receiver.post({ type: 'frame', bytes: e.data }, [e.data])
    pair.a.onmessage = (e: MessageEvent<ArrayBuffer>) => sender.post({ type: 'frame', bytes: e.data }, [e.data])

    const caughtUp = new Promise<void>((resolve, reject) => {
      receiver.onCaughtUp = resolve
      setTimeout(() => reject(new Error(`catch-up not done after ${CATCHUP_TIMEOUT_MS / 1000} s`)), CATCHUP_TIMEOUT_MS)
    })
    const start = performance.now()
    sender.post({ type: 'connect' })
    receiver.post({ type: 'connect' })
    await caughtUp
    const ms = performance.now() - start
    log(`catch-up of ${events} events took ${Math.round(ms)} ms`)
    const [s, r] = [await sender.ask<WorkerCheck>({ type: 'check' }), await receiver.ask<WorkerCheck>({ type: 'check' })]
    return {
      events,
      ms,
      eventsPerS: events / (ms / 1000),
      firstEventsFrameMs: firstEventsFrameAt - start,
      framesToReceiver,
      bytesToReceiver,
      maxBufferedAmount: toReceiver.maxBuffered,
      backpressureWaits: toReceiver.waits,
      maxQueuedBytes: toReceiver.queue.maxBytes,
      backlogPauses: toReceiver.backlogs,
      sender: s,
      receiver: r,
    }
  } finally {
    pair.close()
  }
}

async function runSyncBench(config: SyncConfig, lastEventId: EventId): Promise<ChromiumSyncResult> {
  const sender = new BenchWorker('S')
  const receiver = new BenchWorker('R')
  try {
    const build = await sender.ask<SenderBuilt>({ type: 'build-sender', config, file: SENDER_DB, lastEventId })
    log(`S built ${build.events} events: commits ${Math.round(build.commitMs)} ms`)
    await receiver.ask({ type: 'open-receiver', file: RECEIVER_DB, expect: config.catchupEvents })
    const channel = async () => {
      const run = await measureChannel(config.channelMessageBytes, config.channelTotalBytes)
      log(`raw data channel: ${config.channelTotalBytes >> 20} MiB in ${config.channelMessageBytes >> 10} KiB messages, ${Math.round(run.ms)} ms`)
      return run
    }
    const channelBefore = await channel()
    log(`catch-up of ${config.catchupEvents} events into a fresh peer`)
    const catchup = await measureCatchup(sender, receiver, config.catchupEvents)
    const channelAfter = await channel()
    const insertAfter = await sender.ask<RawInsert>({ type: 'raw-insert', file: SCRATCH_DB })
    log(`raw OPFS insert again: ${Math.round(insertAfter.commitMs)} ms`)
    return { userAgent: navigator.userAgent, build, channelBefore, catchup, channelAfter, insertAfter }
  } finally {
    for (const w of [sender, receiver]) {
      await w.ask({ type: 'cleanup' }).catch((err: unknown) => console.warn('cleanup failed', err))
      w.worker.terminate()
    }
  }
}

;(window as unknown as SyncBenchWindow).runSyncBench = runSyncBench
document.body.dataset.ready = 'true'
