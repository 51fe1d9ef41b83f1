/**
 * whenQuiet (client/when-quiet.ts): resolves only after `busy()` has been false for the
 * whole quiet period; any busy check restarts the wait.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { whenQuiet } from '../../client/when-quiet.ts'

describe('whenQuiet', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  const settledAfter = async (quiet: Promise<void>, ms: number): Promise<boolean> => {
    let done = false
    void quiet.then(() => (done = true))
    await vi.advanceTimersByTimeAsync(ms)
    return done
  }

  it('with nothing busy, resolves after the quiet period and not before', async () => {
    const quiet = whenQuiet(() => false, 3000)
    expect(await settledAfter(quiet, 2750)).toBe(false)
    expect(await settledAfter(quiet, 250)).toBe(true)
  })

  it('waits while busy, then the whole quiet period again', async () => {
    let busy = false
    const quiet = whenQuiet(() => busy, 3000)
    await vi.advanceTimersByTimeAsync(2000)
    busy = true // a catch-up started 2 s in and runs 10 s
    expect(await settledAfter(quiet, 10_000)).toBe(false)
    busy = false
    expect(await settledAfter(quiet, 2750)).toBe(false)
    expect(await settledAfter(quiet, 500)).toBe(true)
  })
})
