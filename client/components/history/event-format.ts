/**
 * How the history, DAG and interpretation views spell events: short ids, times and
 * values. Pure, so the views and their tests agree on the text.
 */
import type { EventValue } from '../../../shared/event.ts'

/** The first `n` hex digits of an id: enough to tell replicas and events apart on screen. */
export function shortId(id: string, n = 8): string {
  return id.slice(0, n)
}

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

/** An event's author-side wall-clock time, for people (never used to order anything). */
export function formatTime(ms: number): string {
  return TIME.format(new Date(ms))
}

/** An event's value: strings quoted, booleans as words, no value as an em dash. */
export function formatValue(value: EventValue): string {
  if (value === null) return '—'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return JSON.stringify(value)
}

/** One line describing an event, for tooltips and screen readers. */
export function describeEvent(e: { type: string; value: EventValue; author: string; lamport: number }): string {
  const value = e.value === null ? '' : ` ${formatValue(e.value)}`
  return `${e.type}${value} by ${shortId(e.author)} (lamport ${e.lamport})`
}
