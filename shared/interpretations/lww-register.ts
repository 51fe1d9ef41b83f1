/**
 * `lww-register`: the seed's first demo table — per todo and column, the winning value
 * and its clock. The clock here is the winning write's (lamport, event, author), which
 * orders writes exactly as the fold does, so every peer shows the same clocks.
 */
import type { TodoEvent } from '../event.ts'
import { type ColumnClock, type ColumnClocks, type TodoState, applyEvent } from '../todo-fold.ts'
import type { Interpretation } from './interpretation.ts'

const COLUMN_OF: Record<string, keyof ColumnClocks> = {
  set_content: 'content',
  add_to_list: 'list',
  complete: 'completed',
}

/** lww, also recording which write won each column. */
export function applyWithClocks(state: TodoState, event: TodoEvent): TodoState {
  const next = applyEvent(state, event)
  const column = COLUMN_OF[event.type]
  if (column) {
    const clock: ColumnClock = { lamport: event.lamport, event: event.id, author: event.author }
    next.clocks = { ...(state.clocks ?? { content: null, list: null, completed: null }), [column]: clock }
  }
  return next
}

export const lwwRegister: Interpretation = {
  name: 'lww-register',
  description: 'The seed’s LWW registers: each column’s winning value and its clock.',
  apply: applyWithClocks,
}
