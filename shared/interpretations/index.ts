/** The registry of interpretations, by name. */
import { churn } from './churn.ts'
import type { Interpretation, InterpretationName } from './interpretation.ts'
import { lww } from './lww.ts'
import { lwwRegister } from './lww-register.ts'
import { stickyComplete } from './sticky-complete.ts'

export const INTERPRETATIONS: Record<InterpretationName, Interpretation> = {
  lww,
  'sticky-complete': stickyComplete,
  churn,
  'lww-register': lwwRegister,
}

export { INTERPRETATION_NAMES, isInterpretationName, type Interpretation, type InterpretationName } from './interpretation.ts'
