/**
 * PendingToggles (client/stores/pending-toggles.ts): a todo shows the value last asked for
 * until the first snapshot after every toggle of it was answered; then the log's value
 * shows, whatever it is.
 */
import { describe, expect, it } from 'vitest'
import { PendingToggles } from '../../client/stores/pending-toggles.ts'
import type { TodoId } from '../../shared/ids.ts'

const [A, B] = ['a'.repeat(32), 'b'.repeat(32)] as TodoId[]
const todo = (id: TodoId, completed: boolean) => ({ id, completed })

describe('PendingToggles', () => {
  it('changes nothing while nothing is asked: the same array back', () => {
    const list = [todo(A!, false)]
    expect(new PendingToggles().overlay(list)).toBe(list)
  })

  it('shows the last value asked over snapshots until the snapshot after the last answer', () => {
    const p = new PendingToggles()
    const first = p.ask(A!, true)
    const second = p.ask(A!, false)
    const untouched = todo(B!, true)
    expect(p.overlay([todo(A!, false), untouched])).toEqual([todo(A!, false), untouched])
    first()
    p.settle() // the first toggle's snapshot: the log says completed, the user asked otherwise
    const shown = p.overlay([todo(A!, true), untouched])
    expect(shown).toEqual([todo(A!, false), untouched])
    expect(shown[1]).toBe(untouched)
    second()
    expect(p.overlay([todo(A!, true)])).toEqual([todo(A!, false)]) // answered, its snapshot not yet here
    p.settle() // it is: from now on the log's value shows
    expect(p.overlay([todo(A!, true)])).toEqual([todo(A!, true)])
  })

  it('a todo asked again after its answer waits for the new answer', () => {
    const p = new PendingToggles()
    const first = p.ask(A!, true)
    first()
    const second = p.ask(A!, false)
    p.settle()
    expect(p.overlay([todo(A!, true)])).toEqual([todo(A!, false)])
    second()
    first() // answering twice changes nothing
    p.settle()
    expect(p.overlay([todo(A!, true)])).toEqual([todo(A!, true)])
  })
})
