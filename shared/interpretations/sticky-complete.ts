/**
 * `sticky-complete`: once a todo is completed, later un-complete events are ignored
 * (the seed's "preventing a TODO from being un-completed"). The events stay in the log;
 * switching back to `lww` shows their effect again.
 */
import { applyEvent } from '../todo-fold.ts'
import type { Interpretation } from './interpretation.ts'

export const stickyComplete: Interpretation = {
  name: 'sticky-complete',
  description: 'Like lww, but a completed todo can never be un-completed.',
  apply(state, event) {
    if (event.type === 'complete' && event.value === false && state.completed) {
      return { ...state, lastLamport: event.lamport, lastId: event.id }
    }
    return applyEvent(state, event)
  },
}
