/**
 * SendQueue: one link's outgoing frames, waiting in front of its data channel.
 *
 * Two levels of backpressure, because two things can fill up:
 *
 *   log worker ──frames──▶ SendQueue ──▶ RTCDataChannel (bufferedAmount) ──▶ network
 *        ▲                     │
 *        └──── backlog(true) ──┘  when the queue holds more than BACKLOG_HIGH bytes
 *        └──── backlog(false) ─┘  once it is down to BACKLOG_LOW again
 *
 * - The channel: Chromium's data channel throws once 16 MiB are buffered, so frames are
 *   handed to it only while its bufferedAmount is under CHANNEL_HIGH (1 MiB); the owner
 *   calls `drain()` again on `bufferedamountlow` (threshold CHANNEL_LOW, 256 KiB).
 * - The producer: a streamed catch-up reads pages from SQLite faster than a channel
 *   sends them (on loopback 17 MB/s against ~40 MB/s of reading), so without a signal
 *   back the whole catch-up would pile up here, on the UI thread. `onBacklog` tells the
 *   log worker to pause the stream (ReplicaNode.backlog) and to resume it. The gap
 *   between the two marks keeps the channel fed while the next page is read.
 */

/** Hand the channel more only while it buffers less than this. */
export const CHANNEL_HIGH = 1024 * 1024
/** `bufferedamountlow` fires at this (set it as the channel's bufferedAmountLowThreshold). */
export const CHANNEL_LOW = 256 * 1024
/** Queued bytes above which the producer is asked to pause. */
export const BACKLOG_HIGH = 4 * 1024 * 1024
/** Queued bytes at or under which a paused producer is told to go on. */
export const BACKLOG_LOW = 1024 * 1024

export interface SendQueueOptions {
  /** Hands one frame to the channel (may throw: the owner closes the link). */
  send(bytes: Uint8Array): void
  /** The channel's bufferedAmount now. */
  buffered(): number
  /** The queue went over BACKLOG_HIGH (true) or back to BACKLOG_LOW (false). */
  onBacklog?(backlogged: boolean): void
  highWater?: number
  lowWater?: number
}

export class SendQueue {
  readonly #opts: SendQueueOptions
  readonly #high: number
  readonly #low: number
  #frames: Uint8Array[] = []
  #bytes = 0
  #backlogged = false
  /** The most bytes ever queued (benchmarks report it). */
  maxBytes = 0

  constructor(opts: SendQueueOptions) {
    this.#opts = opts
    this.#high = opts.highWater ?? BACKLOG_HIGH
    this.#low = opts.lowWater ?? BACKLOG_LOW
  }

  /** Bytes waiting for the channel. */
  get bytes(): number {
    return this.#bytes
  }

  get backlogged(): boolean {
    return this.#backlogged
  }

  /** Queues a frame and hands the channel what it can take now. */
  push(bytes: Uint8Array): void {
    this.#frames.push(bytes)
    this.#bytes += bytes.byteLength
    this.maxBytes = Math.max(this.maxBytes, this.#bytes)
    this.drain()
    if (!this.#backlogged && this.#bytes > this.#high) {
      this.#backlogged = true
      this.#opts.onBacklog?.(true)
    }
  }

  /** Hands the channel frames while it buffers under CHANNEL_HIGH. Throws what `send` throws. */
  drain(): void {
    while (this.#frames.length > 0 && this.#opts.buffered() < CHANNEL_HIGH) {
      const next = this.#frames.shift()!
      this.#bytes -= next.byteLength
      this.#opts.send(next)
    }
    if (this.#backlogged && this.#bytes <= this.#low) {
      this.#backlogged = false
      this.#opts.onBacklog?.(false)
    }
  }

  /** Drops every queued frame (the link closed). No backlog event: the link's end says enough. */
  clear(): void {
    this.#frames = []
    this.#bytes = 0
    this.#backlogged = false
  }
}
