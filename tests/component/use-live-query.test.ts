/**
 * useLiveQuery (client/components/history/useLiveQuery.ts): a worker query kept fresh for
 * a view. A key change reruns it at once, pulses rerun it after a quiet spell, and while
 * paused (a catch-up under way) pulses wait and cost one run when the pause ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useLiveQuery } from '../../client/components/history/useLiveQuery.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function setup() {
  const key = ref('a')
  const pulse = ref(0)
  const paused = ref(false)
  const run = vi.fn(async (k: string) => `${k}@${pulse.value}`)
  const scope = effectScope()
  const q = scope.run(() => useLiveQuery({ key: () => key.value, pulse: () => pulse.value, paused: () => paused.value, run, initial: '' }))!
  return { key, pulse, paused, run, q, scope }
}

const settle = async () => {
  await nextTick()
  await vi.advanceTimersByTimeAsync(200)
}

describe('useLiveQuery', () => {
  it('runs at once, again at once on a new key, and once after a burst of pulses', async () => {
    const { key, pulse, run, q } = setup()
    await settle()
    expect(run).toHaveBeenCalledTimes(1)
    key.value = 'b'
    await settle()
    expect(run).toHaveBeenCalledTimes(2)
    for (let i = 1; i <= 10; i++) {
      pulse.value = i
      await nextTick()
      await vi.advanceTimersByTimeAsync(50)
    }
    await settle()
    expect(run).toHaveBeenCalledTimes(3)
    expect(q.data.value).toBe('b@10')
  })

  it('while paused, pulses wait; the pause ending runs it once', async () => {
    const { pulse, paused, run, q } = setup()
    await settle()
    paused.value = true
    await settle()
    for (let i = 1; i <= 5; i++) {
      pulse.value = i
      await settle()
    }
    expect(run).toHaveBeenCalledTimes(1)
    paused.value = false
    await settle()
    expect(run).toHaveBeenCalledTimes(2)
    expect(q.data.value).toBe('a@5')
  })

  it('a pause with no pulse in it costs no run', async () => {
    const { paused, run } = setup()
    await settle()
    paused.value = true
    await settle()
    paused.value = false
    await settle()
    expect(run).toHaveBeenCalledTimes(1)
  })
})
