/**
 * UiYield (client/worker/ui-yield.ts): after the log worker posts a snapshot, catch-up
 * batches wait until the UI has drawn it, but never longer than the time limit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { UiYield } from '../../client/worker/ui-yield.ts'

/** Whether `p` has settled after pending microtasks ran. */
async function isSettled(p: Promise<void>): Promise<boolean> {
  let done = false
  void p.then(() => (done = true))
  await Promise.resolve()
  await Promise.resolve()
  return done
}

describe('UiYield', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('lets batches through at once when no snapshot is waiting to be drawn', async () => {
    const y = new UiYield(100)
    expect(y.waiting).toBe(false)
    expect(await isSettled(y.settled())).toBe(true)
  })

  it('holds batches back after a snapshot is posted, until the UI says it rendered it', async () => {
    const y = new UiYield(100)
    y.posted()
    const wait = y.settled()
    expect(y.waiting).toBe(true)
    expect(await isSettled(wait)).toBe(false)
    y.rendered()
    expect(await isSettled(wait)).toBe(true)
    expect(y.waiting).toBe(false)
    expect(await isSettled(y.settled())).toBe(true)
  })

  it('stops waiting after the time limit when the UI never answers (a hidden tab draws no frames)', async () => {
    const y = new UiYield(100)
    y.posted()
    const wait = y.settled()
    vi.advanceTimersByTime(99)
    expect(await isSettled(wait)).toBe(false)
    vi.advanceTimersByTime(1)
    expect(await isSettled(wait)).toBe(true)
    expect(y.waiting).toBe(false)
  })

  it('covers snapshots posted while waiting with the one wait (one answer releases it)', async () => {
    const y = new UiYield(100)
    y.posted()
    vi.advanceTimersByTime(60)
    y.posted() // does not restart the clock: the limit bounds the whole wait
    const wait = y.settled()
    vi.advanceTimersByTime(40)
    expect(await isSettled(wait)).toBe(true)
  })

  it('ignores an answer that comes late, and the next snapshot waits afresh', async () => {
    const y = new UiYield(100)
    y.posted()
    vi.advanceTimersByTime(100)
    y.rendered() // the answer to the snapshot whose wait already timed out
    expect(y.waiting).toBe(false)
    y.posted()
    expect(await isSettled(y.settled())).toBe(false)
    y.rendered()
    expect(await isSettled(y.settled())).toBe(true)
  })

  it('clears its timer once answered, so no stray release is left behind', () => {
    const y = new UiYield(100)
    y.posted()
    expect(vi.getTimerCount()).toBe(1)
    y.rendered()
    expect(vi.getTimerCount()).toBe(0)
  })
})
