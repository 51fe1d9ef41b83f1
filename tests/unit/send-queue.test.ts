/**
 * SendQueue (client/net/send-queue.ts): a link's frames wait here while the data channel
 * buffers 1 MiB or more, and the producer hears when the queue itself grows long and
 * when it has drained, so a streamed catch-up pauses instead of piling up on the UI thread.
 */
import { describe, expect, it } from 'vitest'
import { BACKLOG_HIGH, BACKLOG_LOW, CHANNEL_HIGH, SendQueue } from '../../client/net/send-queue.ts'

/** A data channel that buffers what it is sent until `flush` sends it on. */
function fakeChannel() {
  const channel = {
    bufferedAmount: 0,
    delivered: [] as Uint8Array[],
    backlog: [] as boolean[],
    buffer: [] as Uint8Array[],
    /** The network takes up to `bytes` of what the channel buffers. */
    flush(bytes = Infinity) {
      while (channel.buffer.length > 0 && bytes >= channel.buffer[0]!.byteLength) {
        const f = channel.buffer.shift()!
        bytes -= f.byteLength
        channel.bufferedAmount -= f.byteLength
        channel.delivered.push(f)
      }
    },
  }
  const queue = new SendQueue({
    send: (bytes) => {
      channel.buffer.push(bytes)
      channel.bufferedAmount += bytes.byteLength
    },
    buffered: () => channel.bufferedAmount,
    onBacklog: (b) => channel.backlog.push(b),
  })
  return { channel, queue }
}

const KIB = 1024
const frame = (n: number, kib = 200) => new Uint8Array(kib * KIB).fill(n % 256)

describe('SendQueue', () => {
  it('hands the channel frames at once while it buffers under 1 MiB', () => {
    const { channel, queue } = fakeChannel()
    queue.push(frame(1))
    queue.push(frame(2))
    expect(channel.buffer).toHaveLength(2)
    expect(queue.bytes).toBe(0)
  })

  it('holds frames while the channel buffers 1 MiB or more, and sends them in order on drain', () => {
    const { channel, queue } = fakeChannel()
    for (let i = 0; i < 10; i++) queue.push(frame(i))
    expect(channel.bufferedAmount).toBeGreaterThanOrEqual(CHANNEL_HIGH)
    expect(channel.bufferedAmount).toBeLessThan(CHANNEL_HIGH + 200 * KIB)
    const held = queue.bytes
    expect(held).toBeGreaterThan(0)
    channel.flush()
    queue.drain() // what bufferedamountlow triggers
    channel.flush()
    queue.drain()
    expect(queue.bytes).toBe(0)
    expect(channel.buffer.concat(channel.delivered).length).toBe(10)
    channel.flush()
    expect(channel.delivered.map((f) => f[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('reports a backlog once the queue holds more than 4 MiB, once, and its end once down to 1 MiB', () => {
    const { channel, queue } = fakeChannel()
    let i = 0
    while (queue.bytes <= BACKLOG_HIGH) queue.push(frame(i++))
    expect(channel.backlog).toEqual([true])
    expect(queue.backlogged).toBe(true)
    queue.push(frame(i++))
    expect(channel.backlog).toEqual([true]) // not again while it lasts
    // The network takes a little: still above the low mark, still backlogged.
    channel.flush(CHANNEL_HIGH)
    queue.drain()
    expect(queue.bytes).toBeGreaterThan(BACKLOG_LOW)
    expect(channel.backlog).toEqual([true])
    while (queue.bytes > BACKLOG_LOW) {
      channel.flush(CHANNEL_HIGH)
      queue.drain()
    }
    expect(channel.backlog).toEqual([true, false])
    expect(queue.backlogged).toBe(false)
    while (queue.bytes > 0) {
      channel.flush()
      queue.drain()
    }
    channel.flush()
    expect(channel.delivered).toHaveLength(i) // nothing lost on the way
    expect(queue.maxBytes).toBeGreaterThan(BACKLOG_HIGH)
  })

  it('drops what is queued when cleared (the link closed) and starts afresh', () => {
    const { channel, queue } = fakeChannel()
    while (queue.bytes <= BACKLOG_HIGH) queue.push(frame(0))
    queue.clear()
    expect(queue.bytes).toBe(0)
    expect(queue.backlogged).toBe(false)
    channel.flush()
    queue.push(frame(1))
    expect(channel.buffer).toHaveLength(1)
  })

  it('passes on what the channel throws: the owner closes the link', () => {
    let calls = 0
    const queue = new SendQueue({
      send: () => {
        if (++calls === 2) throw new Error('send queue is full')
      },
      buffered: () => 0,
    })
    queue.push(frame(1))
    expect(() => queue.push(frame(2))).toThrow('send queue is full')
  })
})
