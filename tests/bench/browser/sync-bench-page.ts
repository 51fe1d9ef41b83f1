/**
 * The sync bench page: exposes `window.runSyncBench` for Playwright
 * (tests/bench/sync/chromium-sync.ts). Everything runs in this one page:
 *
 *   worker S (OPFS, 100k events) ◀══ sync channel (RTCDataChannel) ══▶ worker R (fresh OPFS)
 *
 * The two RTCPeerConnections are both here, their offer, answer and ICE candidates handed
 * across directly (no signaling server); the data channel between them is real (SCTP
 * over DTLS over loopback UDP). As in the app, each end of the link's sync channel is
 * transferred to its worker as it is made (client/net/sync-channel.ts), and the workers
 * hold them in the app's WorkerChannels (client/worker/worker-channels.ts): the channel
 * gets more only while its bufferedAmount is under 1 MiB, and the sending worker pauses
 * its catch-up stream while its send queue holds over 4 MiB. No frame passes this page.
 *
 * Order: S builds its log (timed commits: the raw OPFS insert rate), R opens a fresh
 * database, the raw channel run (64 KiB messages, same backpressure), the catch-up on a
 * new connection pair (then both replicas are checked), the raw channel run again, the
 * raw insert again (S, scratch database): each limit is sampled on both sides of the
 * catch-up, since other work on a shared machine drifts from minute to minute.
 */
import type { EventId } from '../../../shared/ids.ts'
import { CHANNEL_HIGH } from '../../../client/net/send-queue.ts'
import { connectPair, linkSyncChannels } from '../../helpers/data-channel-pair.ts'
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
  onCaughtUp: (at: number) => void = () => {}
  #next = 0
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()

  constructor(readonly name: string) {
    this.worker.addEventListener('message', (event: MessageEvent<FromSyncWorker>) => {
      const m = event.data
      if (m.type === 'caught-up') this.onCaughtUp(m.at)
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
  let caughtUpAt = 0
  const caughtUp = new Promise<void>((resolve, reject) => {
    receiver.onCaughtUp = (at) => {
      caughtUpAt = at
      resolve()
    }
    setTimeout(() => reject(new Error(`catch-up not done after ${CATCHUP_TIMEOUT_MS / 1000} s`)), CATCHUP_TIMEOUT_MS)
  })
  const link = await linkSyncChannels(
    (channel) => sender.post({ type: 'channel', channel }, [channel]),
    (channel) => receiver.post({ type: 'channel', channel }, [channel]),
  )
  try {
    await caughtUp
    const [s, r] = [await sender.ask<WorkerCheck>({ type: 'check' }), await receiver.ask<WorkerCheck>({ type: 'check' })]
    const start = Math.min(s.linkOpenAt, r.linkOpenAt)
    const ms = caughtUpAt - start
    log(`catch-up of ${events} events took ${Math.round(ms)} ms`)
    return {
      events,
      ms,
      eventsPerS: events / (ms / 1000),
      firstEventsFrameMs: s.thirdFrameAt - start,
      framesToReceiver: s.framesSent,
      bytesToReceiver: s.bytesSent,
      maxBufferedAmount: s.maxBufferedAmount,
      backlogPauses: s.backlogPauses,
      sender: s,
      receiver: r,
    }
  } finally {
    link.close()
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
