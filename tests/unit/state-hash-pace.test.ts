/**
 * StateHashPace (client/worker/state-hash-pace.ts): outside a catch-up every snapshot
 * carries the state hash; during one, only a snapshot that comes maxSkipMs or more after
 * the last one that carried it.
 */
import { describe, expect, it } from 'vitest'
import { StateHashPace } from '../../client/worker/state-hash-pace.ts'

function paced(maxSkipMs = 3000) {
  let now = 1000
  const pace = new StateHashPace({ now: () => now, maxSkipMs })
  return { pace, at: (ms: number) => (now = ms) }
}

describe('StateHashPace', () => {
  it('gives every snapshot the hash while no catch-up runs, however close together', () => {
    const { pace, at } = paced()
    for (const ms of [1000, 1001, 1002, 1500]) {
      at(ms)
      expect(pace.due(false)).toBe(true)
    }
  })

  it('during a catch-up, gives it to one snapshot per maxSkipMs, counted from the last that had it', () => {
    const { pace, at } = paced(3000)
    at(1000)
    expect(pace.due(false)).toBe(true) // the snapshot before the catch-up
    const carried = [1200, 2000, 3999, 4000, 4100, 6999, 7000, 9000].filter((ms) => (at(ms), pace.due(true)))
    expect(carried).toEqual([4000, 7000])
  })

  it('the first snapshot after the catch-up carries it, even right after one that did', () => {
    const { pace, at } = paced(3000)
    at(4000)
    expect(pace.due(true)).toBe(true) // none had it yet
    at(4001)
    expect(pace.due(true)).toBe(false)
    at(4002)
    expect(pace.due(false)).toBe(true)
  })
})
