/**
 * WorkerChannels (client/worker/worker-channels.ts): the log worker holds each WebRTC
 * link's sync channel and turns the channel's own events into the link inputs the UI
 * thread gives for other links: link-open when it opens, link-frame per message,
 * link-close when it ends, link-backlog from its send queue. Here on a scripted channel;
 * tests/integration/worker-channel.browser.test.ts transfers a real one to a real worker.
 */
import { describe, expect, it } from 'vitest'
import { WorkerChannels, type ChannelInput } from '../../client/worker/worker-channels.ts'
import { BACKLOG_HIGH, CHANNEL_HIGH } from '../../client/net/send-queue.ts'

/** The parts of RTCDataChannel WorkerChannels uses, driven by the test. */
class ScriptedChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting'
  binaryType = 'blob'
  bufferedAmount = 0
  bufferedAmountLowThreshold = 0
  sent: Uint8Array[] = []
  failSends = false

  send(bytes: Uint8Array): void {
    if (this.readyState !== 'open') throw new Error('InvalidStateError: not open')
    if (this.failSends) throw new Error('OperationError: send queue is full')
    this.sent.push(bytes.slice())
    this.bufferedAmount += bytes.byteLength
  }
  close(): void {
    if (this.readyState === 'closed') return
    this.readyState = 'closed'
    this.dispatchEvent(new Event('close'))
  }
  open(): void {
    this.readyState = 'open'
    this.dispatchEvent(new Event('open'))
  }
  receive(data: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data }))
  }
  /** The network took everything buffered. */
  flush(): void {
    this.bufferedAmount = 0
    this.dispatchEvent(new Event('bufferedamountlow'))
  }
}

function setup() {
  const inputs: ChannelInput[] = []
  const lost: string[] = []
  const warnings: string[] = []
  const channels = new WorkerChannels({ input: (m) => inputs.push(m), lost: (p) => lost.push(p), warn: (m) => warnings.push(m) })
  const adopt = (peer = 'webrtc:b') => {
    const c = new ScriptedChannel()
    channels.adopt(peer, c as unknown as RTCDataChannel)
    return c
  }
  /** Inputs as short strings: "open", "frame 1,2", "close", "backlog true". */
  const seen = () =>
    inputs.map((m) =>
      m.type === 'link-frame' ? `frame ${[...m.bytes].join(',')}` : m.type === 'link-backlog' ? `backlog ${m.backlogged}` : m.type.slice(5),
    )
  return { channels, inputs, lost, warnings, adopt, seen }
}

const bytes = (...b: number[]) => new Uint8Array(b)
const KIB = 1024

describe('WorkerChannels', () => {
  it('gives link-open when the channel opens, a link-frame per message, and link-close when it closes', () => {
    const { adopt, seen, inputs } = setup()
    const c = adopt()
    expect(c.binaryType).toBe('arraybuffer')
    expect(seen()).toEqual([])
    c.open()
    c.receive(bytes(1, 2).buffer)
    c.receive(bytes(3).buffer)
    c.close()
    expect(seen()).toEqual(['open', 'frame 1,2', 'frame 3', 'close'])
    expect(inputs.every((m) => m.peer === 'webrtc:b')).toBe(true)
  })

  it('gives nothing for a channel that closes without opening (a link that never came up)', () => {
    const { adopt, seen } = setup()
    adopt().close()
    expect(seen()).toEqual([])
  })

  it('drops a message that is not binary, with a warning', () => {
    const { adopt, seen, warnings } = setup()
    const c = adopt()
    c.open()
    c.receive('{"not":"a frame"}')
    expect(seen()).toEqual(['open'])
    expect(warnings).toEqual(['a sync frame that is not binary dropped'])
  })

  it('queues frames sent before the channel opens and sends them, in order, when it does', () => {
    const { channels, adopt } = setup()
    const c = adopt()
    expect(channels.send('webrtc:b', bytes(1))).toBe(true)
    expect(channels.send('webrtc:b', bytes(2))).toBe(true)
    expect(c.sent).toEqual([])
    c.open()
    expect(c.sent).toEqual([bytes(1), bytes(2)])
  })

  it('sends the frames a message-opened link queued once the channel says open', () => {
    // Seen in Chromium when the worker took the transferred channel late (busy for 1.5 s):
    // the peer's hello was dispatched while the channel still said 'connecting', and the
    // hello sent back waited in the queue for an 'open' event that then drained nothing.
    const { channels, adopt, seen } = setup()
    const c = adopt()
    c.receive(bytes(1).buffer)
    expect(seen()).toEqual(['open', 'frame 1'])
    expect(channels.send('webrtc:b', bytes(2))).toBe(true) // the answer to that hello
    expect(c.sent).toEqual([])
    c.open()
    expect(c.sent).toEqual([bytes(2)])
    expect(seen()).toEqual(['open', 'frame 1'])
  })

  it('says false for a peer whose channel it does not hold (its frames go through the UI thread)', () => {
    const { channels, adopt } = setup()
    expect(channels.send('webrtc:b', bytes(1))).toBe(false)
    const c = adopt()
    c.open()
    c.close()
    expect(channels.send('webrtc:b', bytes(1))).toBe(false)
  })

  it('copies a frame that is a view into a larger buffer, since the encoder reuses that buffer', () => {
    const { channels, adopt } = setup()
    const c = adopt()
    const pool = new Uint8Array([9, 9, 1, 2, 9])
    channels.send('webrtc:b', pool.subarray(2, 4))
    pool.fill(0) // the encoder writes its next frame
    c.open()
    expect(c.sent).toEqual([bytes(1, 2)])
  })

  it('holds frames back while the channel buffers 1 MiB, and reports a long queue as backlog', () => {
    const { channels, adopt, seen } = setup()
    const c = adopt()
    c.open()
    const frame = new Uint8Array(200 * KIB)
    let n = 0
    while (!seen().includes('backlog true')) {
      channels.send('webrtc:b', frame)
      n++
    }
    expect(c.bufferedAmount).toBeLessThan(CHANNEL_HIGH + 200 * KIB)
    expect(n * 200 * KIB).toBeGreaterThan(BACKLOG_HIGH)
    while (c.sent.length < n) c.flush()
    expect(seen()).toEqual(['open', 'backlog true', 'backlog false'])
  })

  it('ends the link and asks the UI thread to drop it when sending throws', () => {
    const { channels, adopt, seen, lost, warnings } = setup()
    const c = adopt()
    c.open()
    c.failSends = true
    expect(channels.send('webrtc:b', bytes(1))).toBe(true)
    expect(seen()).toEqual(['open', 'close'])
    expect(lost).toEqual(['webrtc:b'])
    expect(warnings).toEqual(['send failed; closing the link'])
    expect(c.readyState).toBe('closed')
    expect(channels.send('webrtc:b', bytes(2))).toBe(false)
  })

  it('ends the older link first when a newer channel for the same peer arrives, and ignores the older one after', () => {
    const { adopt, seen } = setup()
    const older = adopt()
    older.open()
    const newer = adopt()
    expect(older.readyState).toBe('closed')
    newer.open()
    older.receive(bytes(7).buffer) // late events of the old channel
    older.dispatchEvent(new Event('close'))
    newer.receive(bytes(8).buffer)
    expect(seen()).toEqual(['open', 'close', 'open', 'frame 8'])
  })

  it('keeps frames the UI thread forwarded before the held channel opened, and hands them over after link-open', () => {
    const { channels, adopt, seen } = setup()
    expect(channels.holdUntilOpen('webrtc:b', bytes(1))).toBe(false) // no channel held: the caller handles it
    const c = adopt()
    expect(channels.holdUntilOpen('webrtc:b', bytes(2))).toBe(true)
    c.open()
    expect(channels.holdUntilOpen('webrtc:b', bytes(3))).toBe(false) // open: straight to the log
    expect(seen()).toEqual(['open', 'frame 2'])
  })

  it('keeps its peers apart', () => {
    const { channels, adopt, seen } = setup()
    const b = adopt('webrtc:b')
    const c = adopt('webrtc:c')
    b.open()
    c.open()
    channels.send('webrtc:c', bytes(5))
    c.close()
    expect(b.sent).toEqual([])
    expect(c.sent).toEqual([bytes(5)])
    expect(b.readyState).toBe('open')
    expect(seen()).toEqual(['open', 'open', 'close'])
  })
})
