/**
 * Interpretations: different readings of one immutable log, chosen at runtime.
 *
 * Each is a pure per-todo fold step (state, next event in (lamport, id) order) → state.
 * Because the step only ever sees events that sort after everything already folded,
 * a todo's state can be advanced incrementally, and because it reads nothing but the
 * state and the event (never the clock), every peer with the same events computes
 * byte-identical states. Switching interpretation rebuilds the view; the log is untouched.
 */
import type { FoldStep } from '../todo-fold.ts'

export const INTERPRETATION_NAMES = ['lww', 'sticky-complete', 'churn', 'lww-register'] as const
export type InterpretationName = (typeof INTERPRETATION_NAMES)[number]

export interface Interpretation {
  /** Stable name, stored with the view and part of the state hash. */
  readonly name: InterpretationName
  /** One line for people choosing between interpretations. */
  readonly description: string
  /** The fold step. Pure. */
  readonly apply: FoldStep
}

export const isInterpretationName = (s: unknown): s is InterpretationName =>
  typeof s === 'string' && (INTERPRETATION_NAMES as readonly string[]).includes(s)
