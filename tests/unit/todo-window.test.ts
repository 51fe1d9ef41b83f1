/** The window a long todo list renders (client/components/todo/todo-window.ts). */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TODO_PAGE, TODO_TAIL, todoWindow } from '../../client/components/todo/todo-window.ts'

describe('todoWindow', () => {
  it('renders a list that fits the limit whole', () => {
    expect(todoWindow(0, TODO_PAGE, true)).toEqual({ head: 0, hidden: 0, tail: 0 })
    expect(todoWindow(TODO_PAGE, TODO_PAGE, true)).toEqual({ head: TODO_PAGE, hidden: 0, tail: 0 })
  })

  it('renders the first page and the newest few of a longer one, hiding the middle', () => {
    expect(todoWindow(1000, TODO_PAGE, true)).toEqual({ head: TODO_PAGE, hidden: 1000 - TODO_PAGE - TODO_TAIL, tail: TODO_TAIL })
    expect(todoWindow(TODO_PAGE + 5, TODO_PAGE, true)).toEqual({ head: TODO_PAGE, hidden: 0, tail: 5 })
  })

  it('has no tail while a catch-up is under way', () => {
    expect(todoWindow(1000, TODO_PAGE, false)).toEqual({ head: TODO_PAGE, hidden: 1000 - TODO_PAGE, tail: 0 })
  })

  it('always accounts for every todo exactly once, and never renders more than limit + tail', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 5000 }), fc.boolean(), (total, limit, withTail) => {
        const w = todoWindow(total, limit, withTail)
        expect(w.head + w.hidden + w.tail).toBe(total)
        expect(Math.min(w.head, w.hidden, w.tail)).toBeGreaterThanOrEqual(0)
        expect(w.head + w.tail).toBeLessThanOrEqual(limit + TODO_TAIL)
      }),
    )
  })
})
