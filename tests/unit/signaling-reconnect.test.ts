/**
 * The signaling client's reconnection policy, on fake timers: after the server dies the
 * client retries with exponential backoff and full jitter (random in [0, min(cap,
 * base · 2^attempt))), capped at 30 s, resets after a successful open, re-subscribes on
 * every reconnect, and stops retrying once closed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type ReconnectPlan, SignalingClient, type WebSocketLike } from '../../client/net/signaling-client.ts'

/** A WebSocket whose fate each test decides: `accept()` opens it, `fail()` closes it. */
class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: ((e: unknown) => void) | null = null
  onmessage: ((e: { data: unknown }) => void) | null = null
  onclose: ((e: { code: number; reason: string }) => void) | null = null
  onerror: ((e: unknown) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.made.push(this)
  }
  send(data: string): void {
    this.sent.push(data)
  }
  close(): void {
    this.readyState = 3
  }
  accept(): void {
    this.readyState = 1
    this.onopen?.({})
  }
  fail(): void {
    this.readyState = 3
    this.onclose?.({ code: 1006, reason: 'server gone' })
  }
}

const quiet = { info: () => {}, warn: () => {} }
const TOPIC = 'a'.repeat(64)

function client(random: () => number): { c: SignalingClient; plans: ReconnectPlan[] } {
  const c = new SignalingClient({ url: 'ws://127.0.0.1:1/signaling', topics: [TOPIC], WebSocketImpl: FakeSocket, random, log: quiet })
  const plans: ReconnectPlan[] = []
  c.on('reconnect', (p) => plans.push(p))
  return { c, plans }
}

const latest = () => FakeSocket.made[FakeSocket.made.length - 1]!

beforeEach(() => {
  FakeSocket.made = []
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('reconnecting after the server goes away', () => {
  it('doubles the delay bound after each failed attempt, up to the 30 s cap', () => {
    const { c, plans } = client(() => 0.999_999) // the top of each jitter range
    c.connect()
    for (let i = 0; i < 9; i++) {
      latest().fail()
      const delay = plans[plans.length - 1]!.delayMs
      const before = FakeSocket.made.length
      vi.advanceTimersByTime(delay - 1)
      expect(FakeSocket.made.length, 'no attempt before the delay is up').toBe(before)
      vi.advanceTimersByTime(1)
      expect(FakeSocket.made.length, 'one attempt once it is up').toBe(before + 1)
    }
    expect(plans.map((p) => p.delayMs)).toEqual([499, 999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999])
    expect(plans.map((p) => p.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    c.close()
  })

  it('draws each delay uniformly below the bound (full jitter), so peers do not retry in lockstep', () => {
    const draws = [0, 0.25, 0.5, 0.75]
    let i = 0
    const { c, plans } = client(() => draws[i++ % draws.length]!)
    c.connect()
    for (let k = 0; k < 4; k++) {
      latest().fail()
      vi.advanceTimersByTime(plans[plans.length - 1]!.delayMs)
    }
    // Bounds 500, 1000, 2000, 4000 times the draws 0, 0.25, 0.5, 0.75.
    expect(plans.map((p) => p.delayMs)).toEqual([0, 250, 1000, 3000])
    c.close()
  })

  it('starts again from the base delay after a successful open, and re-subscribes', () => {
    const { c, plans } = client(() => 0.5)
    c.connect()
    latest().fail()
    vi.advanceTimersByTime(plans[0]!.delayMs)
    latest().fail()
    vi.advanceTimersByTime(plans[1]!.delayMs)
    expect(plans.map((p) => p.delayMs)).toEqual([250, 500])

    latest().accept()
    expect(c.status).toBe('online')
    expect(c.pendingReconnect).toBeNull()
    expect(JSON.parse(latest().sent[0]!)).toEqual({ type: 'subscribe', topics: [TOPIC] })

    latest().fail()
    expect(c.status).toBe('offline')
    expect(plans[2]).toMatchObject({ attempt: 1, delayMs: 250 })
    expect(c.pendingReconnect).toEqual(plans[2])
    vi.advanceTimersByTime(250)
    expect(c.status).toBe('connecting')
    latest().accept()
    expect(JSON.parse(latest().sent[0]!), 'subscribes again on the new socket').toEqual({ type: 'subscribe', topics: [TOPIC] })
    c.close()
  })

  it('treats a silent server like a dead one: reconnects after the silence timeout', () => {
    const { c, plans } = client(() => 0)
    c.connect()
    latest().accept()
    const sockets = FakeSocket.made.length
    vi.advanceTimersByTime(30_000) // pings go out, but no pong ever comes back
    expect(plans).toHaveLength(1)
    vi.advanceTimersByTime(1) // a zero delay still waits for the next timer turn
    expect(FakeSocket.made.length).toBe(sockets + 1)
    c.close()
  })

  it('stops retrying once closed', () => {
    const { c, plans } = client(() => 0.5)
    c.connect()
    latest().fail()
    c.close()
    expect(c.pendingReconnect).toBeNull()
    const sockets = FakeSocket.made.length
    vi.advanceTimersByTime(120_000)
    expect(FakeSocket.made.length).toBe(sockets)
    expect(plans).toHaveLength(1)
    expect(c.status).toBe('offline')
  })
})
