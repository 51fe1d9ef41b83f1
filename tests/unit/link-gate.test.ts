/**
 * LinkGate (client/worker/link-gate.ts): while a fresh replica warms up, a large catch-up
 * waits: link inputs after its announcement are held until a little after the warm-up is
 * done, or a time limit, and then handled in the order they came.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LinkGate } from '../../client/worker/link-gate.ts'

/** Lets pending promise callbacks run (the gate opens in one). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

/** Runs timers due within `ms`, with the promise callbacks between them. */
async function wait(ms: number): Promise<void> {
  await settle()
  vi.advanceTimersByTime(ms)
  await settle()
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void
  let reject!: (err: Error) => void
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

describe('LinkGate', () => {
  const warnings: string[] = []
  const gate = () => new LinkGate((message) => warnings.push(message))
  /** A gate armed for a warm-up (no settling time) and told to hold: a large catch-up came. */
  const holdingGate = () => {
    const g = gate()
    const warmUp = deferred()
    g.arm(warmUp.promise, { settleMs: 0, maxWaitMs: 3000 })
    g.hold()
    return { g, warmUp, ran: [] as string[] }
  }
  beforeEach(() => {
    vi.useFakeTimers()
    warnings.length = 0
  })
  afterEach(() => vi.useRealTimers())

  it('passes inputs straight through when not armed (a replica that has events), and hold() does nothing then', () => {
    const g = gate()
    const ran: string[] = []
    g.hold()
    g.pass(() => ran.push('open'))
    expect(ran).toEqual(['open'])
    expect(g.holding).toBe(false)
  })

  it('passes inputs straight through while armed, until a large catch-up is announced (a small one goes in at once)', () => {
    const g = gate()
    g.arm(new Promise(() => undefined))
    const ran: string[] = []
    g.pass(() => ran.push('open'))
    g.pass(() => ran.push('hello'))
    expect(ran).toEqual(['open', 'hello'])
    expect(g.armed).toBe(true)
    expect(g.holding).toBe(false)
  })

  it('once told to hold, keeps inputs until settleMs after the warm-up, then runs them in the order they came', async () => {
    const g = gate()
    const warmUp = deferred()
    g.arm(warmUp.promise, { settleMs: 500, maxWaitMs: 3000 })
    const ran: string[] = []
    g.pass(() => ran.push('catch-up 100000'))
    g.hold()
    for (const input of ['events 1', 'events 2', 'close']) g.pass(() => ran.push(input))
    await wait(1000)
    expect(ran).toEqual(['catch-up 100000'])
    warmUp.resolve()
    await wait(499)
    expect(ran).toEqual(['catch-up 100000'])
    expect(g.holding).toBe(true)
    await wait(1)
    expect(ran).toEqual(['catch-up 100000', 'events 1', 'events 2', 'close'])
    expect(g.holding).toBe(false)
    expect(g.armed).toBe(false)
    g.pass(() => ran.push('later'))
    expect(ran.at(-1)).toBe('later')
  })

  it('opens at the time limit when the warm-up takes too long, also while settling', async () => {
    for (const finishAt of [null, 2800]) {
      const g = gate()
      const warmUp = deferred()
      g.arm(warmUp.promise, { settleMs: 500, maxWaitMs: 3000 })
      g.hold()
      const ran: string[] = []
      g.pass(() => ran.push('events'))
      if (finishAt !== null) {
        await wait(finishAt)
        warmUp.resolve()
        await wait(2999 - finishAt)
      } else await wait(2999)
      expect(ran).toEqual([])
      await wait(1)
      expect(ran).toEqual(['events'])
      expect(g.armed).toBe(false)
    }
  })

  it('opens when the warm-up fails: a failed warm-up must not cut the replica off', async () => {
    const { g, warmUp, ran } = holdingGate()
    g.pass(() => ran.push('events'))
    warmUp.reject(new Error('SQLite warm-up failed'))
    await wait(0)
    expect(ran).toEqual(['events'])
  })

  it('does not hold once the warm-up has settled: a catch-up announced later goes in at once', async () => {
    const g = gate()
    const warmUp = deferred()
    g.arm(warmUp.promise, { settleMs: 0, maxWaitMs: 3000 })
    warmUp.resolve()
    await wait(0)
    g.hold()
    const ran: string[] = []
    g.pass(() => ran.push('events'))
    expect(ran).toEqual(['events'])
  })

  it('runs an input passed while the held ones run after them, not before', async () => {
    const { g, warmUp, ran } = holdingGate()
    g.pass(() => {
      ran.push('events 1')
      g.pass(() => ran.push('passed by events 1'))
    })
    g.pass(() => ran.push('events 2'))
    warmUp.resolve()
    await wait(0)
    expect(ran).toEqual(['events 1', 'events 2', 'passed by events 1'])
  })

  it('logs an input that throws and still runs the ones after it', async () => {
    const { g, warmUp, ran } = holdingGate()
    g.pass(() => {
      throw new Error('bad input')
    })
    g.pass(() => ran.push('events'))
    warmUp.resolve()
    await wait(0)
    expect(ran).toEqual(['events'])
    expect(warnings).toEqual(['a held link input failed'])
    expect(g.holding).toBe(false)
  })

  it('keeps its first arming: a second arm() while armed changes nothing', async () => {
    const { g, warmUp, ran } = holdingGate()
    g.arm(new Promise(() => undefined), { settleMs: 0, maxWaitMs: 60_000 })
    g.pass(() => ran.push('events'))
    warmUp.resolve()
    await wait(0)
    expect(ran).toEqual(['events'])
  })
})
