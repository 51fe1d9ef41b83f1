/** Which nodes of a DAG window are drawn, a step at a time (client/components/dag/dag-draw-steps.ts). */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { drawStep } from '../../client/components/dag/dag-draw-steps.ts'

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `e${to - 1 - i}`) // newest first

describe('drawStep', () => {
  it('draws up to `step` new nodes, newest first, and says when the window is whole', () => {
    const first = drawStep(new Set(), ids(0, 120), 50)
    expect([...first.drawn]).toEqual(ids(70, 120))
    expect(first.done).toBe(false)
    const second = drawStep(first.drawn, ids(0, 120), 50)
    expect(second.drawn.size).toBe(100)
    const third = drawStep(second.drawn, ids(0, 120), 50)
    expect(third.drawn).toEqual(new Set(ids(0, 120)))
    expect(third.done).toBe(true)
  })

  it('keeps what is drawn, drops what left the window, and adds a few new nodes at once', () => {
    const drawn = new Set(ids(0, 200))
    const shifted = drawStep(drawn, ids(1, 201), 50) // one new event: the oldest leaves
    expect(shifted.drawn).toEqual(new Set(ids(1, 201)))
    expect(shifted.done).toBe(true)
  })

  it('never draws an id outside the window nor more than `step` new ones, and ends in ceil(new / step) steps', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(400), { maxLength: 250 }),
        fc.uniqueArray(fc.nat(400), { maxLength: 250 }),
        fc.integer({ min: 1, max: 80 }),
        (before, window, step) => {
          const win = window.map(String)
          let drawn: ReadonlySet<string> = new Set(before.map(String))
          const fresh = win.filter((id) => !drawn.has(id)).length
          let steps = 0
          for (;;) {
            const next = drawStep(drawn, win, step)
            steps++
            expect([...next.drawn].every((id) => win.includes(id))).toBe(true)
            expect([...next.drawn].filter((id) => !drawn.has(id)).length).toBeLessThanOrEqual(step)
            drawn = next.drawn
            if (next.done) break
          }
          expect(drawn).toEqual(new Set(win))
          expect(steps).toBe(Math.max(1, Math.ceil(fresh / step)))
        },
      ),
    )
  })
})
