/**
 * WorkerChannels: the WebRTC data channels this worker owns, one per link, so that sync
 * frames go between the network and the log without a stop on the UI thread.
 *
 *   UI thread: PeerMesh ── simple-peer's channel: relay frames (signaling, presence)
 *                     └─── sync channel, created and transferred at once ──▶ this worker
 *
 * Why: during a 100k-event catch-up about 50 frames of 200 KiB arrived on the UI thread
 * and were posted on to this worker. Each was a task on the thread that must also draw,
 * on a machine whose cores the catch-up itself keeps busy, and the ui bench saw such a
 * task stretched past 50 ms. RTCPeerConnection does not exist in workers, but Chromium
 * can transfer an RTCDataChannel to one, only right after creating it ("Transfers must
 * occur on creation, and before any calls to send()"). So PeerMesh makes a second,
 * negotiated channel (net/sync-channel.ts) beside simple-peer's on every link, and
 * RoomSession hands it over in the same task ('link-channel').
 *
 * For a link whose channel it holds, this worker sees the link open and close on the
 * channel itself, not through the UI thread: the channel's events become the same
 * link-open / link-frame / link-close inputs (`input`), in the order they happen. A newer
 * channel for the same peer (a relink) ends the older one's link first.
 *
 * A browser that cannot transfer channels keeps the sync channel on the UI thread and
 * forwards what arrives there: each side receives sync frames on both channels and sends
 * them on the one it holds, so the two kinds of tab link with each other.
 *
 * Backpressure is here too: a SendQueue (send-queue.ts) per channel, whose backlog
 * pauses a streamed catch-up to that peer, as PeerMesh's does on the UI thread.
 */
import { CHANNEL_LOW, SendQueue } from '../net/send-queue.ts'
import { MAX_EARLY_FRAMES } from '../net/sync-channel.ts'
import { ownedFrame } from '../../shared/sync/messages.ts'

/** What a held channel tells the log worker, as the UI thread would for its own links. */
export type ChannelInput =
  | { type: 'link-open'; peer: string }
  | { type: 'link-frame'; peer: string; bytes: Uint8Array }
  | { type: 'link-close'; peer: string }
  | { type: 'link-backlog'; peer: string; backlogged: boolean }

export interface WorkerChannelsOptions {
  input(m: ChannelInput): void
  /** Sending on the channel failed (it is closed now): the UI thread should drop the link. */
  lost(peer: string): void
  warn(message: string, data?: Record<string, unknown>): void
}

interface Held {
  channel: RTCDataChannel
  out: SendQueue
  /** link-open was given for this channel (so link-close is owed when it ends). */
  opened: boolean
  /** Frames the UI thread forwarded before this channel opened (see `holdUntilOpen`). */
  early: Uint8Array[]
}


export class WorkerChannels {
  readonly #opts: WorkerChannelsOptions
  readonly #held = new Map<string, Held>()

  constructor(opts: WorkerChannelsOptions) {
    this.#opts = opts
  }

  /** Takes over `channel`, the sync channel of a (new) link to `peer`. */
  adopt(peer: string, channel: RTCDataChannel): void {
    const older = this.#held.get(peer)
    if (older) this.#end(peer, older)
    channel.binaryType = 'arraybuffer'
    channel.bufferedAmountLowThreshold = CHANNEL_LOW
    const held: Held = {
      channel,
      opened: false,
      early: [],
      out: new SendQueue({
        send: (bytes) => channel.send(bytes as Uint8Array<ArrayBuffer>),
        // Until the channel opens, frames wait in the queue (the 'open' handler drains it).
        buffered: () => (channel.readyState === 'open' ? channel.bufferedAmount : Infinity),
        onBacklog: (backlogged) => {
          if (this.#held.get(peer) === held) this.#opts.input({ type: 'link-backlog', peer, backlogged })
        },
      }),
    }
    this.#held.set(peer, held)
    const current = () => this.#held.get(peer) === held
    /** The link is open for the log: link-open, then the frames kept until now. */
    const linkOpen = () => {
      if (!current() || held.opened) return
      held.opened = true
      this.#opts.input({ type: 'link-open', peer })
      for (const bytes of held.early.splice(0)) this.#opts.input({ type: 'link-frame', peer, bytes })
    }
    channel.addEventListener('open', () => {
      linkOpen()
      // The channel takes frames from now on: send what waited in the queue, whether the
      // link opened just now or earlier, on a message (its hello's answer waits here,
      // since until this event the channel may still say 'connecting' and take nothing).
      if (current()) this.#drain(peer, held)
    })
    channel.addEventListener('bufferedamountlow', () => {
      if (current()) this.#drain(peer, held)
    })
    channel.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (!current()) return
      if (!(e.data instanceof ArrayBuffer)) {
        this.#opts.warn('a sync frame that is not binary dropped', { peer })
        return
      }
      // A message can be dispatched before 'open' is: when the channel opened and the
      // peer's first frame came while this worker was busy (a long transaction, say)
      // and had not taken the transferred channel yet.
      if (!held.opened) linkOpen()
      this.#opts.input({ type: 'link-frame', peer, bytes: new Uint8Array(e.data) })
    })
    channel.addEventListener('close', () => {
      if (current()) this.#end(peer, held)
    })
    if (channel.readyState === 'open') linkOpen()
  }

  /** Queues a frame on the channel held for `peer`; false when no channel is held for it. */
  send(peer: string, bytes: Uint8Array): boolean {
    const held = this.#held.get(peer)
    if (!held) return false
    // A frame waiting in the queue must own its bytes (the channel copies them only when sent).
    const owned = ownedFrame(bytes)
    this.#guard(peer, held, () => held.out.push(owned))
    return true
  }

  /**
   * A sync frame from `peer` that reached the UI thread (its side could not transfer its
   * channel, so it sends on simple-peer's). Kept here when `peer`'s channel is held but
   * not open yet, since its link-open comes from that channel: true when kept.
   */
  holdUntilOpen(peer: string, bytes: Uint8Array): boolean {
    const held = this.#held.get(peer)
    if (!held || held.opened) return false
    if (held.early.length < MAX_EARLY_FRAMES) held.early.push(bytes)
    else this.#opts.warn('too many frames before the sync channel opened; dropped one', { peer })
    return true
  }

  #drain(peer: string, held: Held): void {
    this.#guard(peer, held, () => held.out.drain())
  }

  /** Runs a step that hands the channel frames; if the channel throws, the link is over. */
  #guard(peer: string, held: Held, step: () => void): void {
    try {
      step()
    } catch (err) {
      this.#opts.warn('send failed; closing the link', { peer, err })
      this.#end(peer, held)
      this.#opts.lost(peer)
    }
  }

  /** Forgets a channel, closing it, and ends its link if it had opened. */
  #end(peer: string, held: Held): void {
    this.#held.delete(peer)
    held.out.clear()
    held.channel.close()
    if (held.opened) this.#opts.input({ type: 'link-close', peer })
  }
}
