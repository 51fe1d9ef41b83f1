/** `lww` (the default): the last event in (lamport, id) order wins per field. */
import { applyEvent } from '../todo-fold.ts'
import type { Interpretation } from './interpretation.ts'

export const lww: Interpretation = {
  name: 'lww',
  description: 'Last writer wins per field, in the shared causal order.',
  apply: applyEvent,
}
