/**
 * `churn`: lww, plus a retroactive review list (the seed's "task churn" records) of every
 * un-complete that followed a complete, with who did it, when, and which completion it
 * undid. Built from history, so it covers events made before the report existed.
 */
import { applyWithClocks } from './lww-register.ts'
import type { Interpretation } from './interpretation.ts'

export const churn: Interpretation = {
  name: 'churn',
  description: 'lww, listing every un-complete that followed a complete.',
  apply(state, event) {
    const next = applyWithClocks(state, event)
    const completion = state.clocks?.completed
    if (event.type === 'complete' && event.value === false && state.completed && completion) {
      const entry = { event: event.id, author: event.author, time: event.time, lamport: event.lamport, undid: completion.event }
      next.churn = [...state.churn, entry]
    }
    return next
  },
}
