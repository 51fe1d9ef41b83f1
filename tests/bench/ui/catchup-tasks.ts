/**
 * The UI thread's tasks during the catch-up, read from a Chrome trace of one ui-bench
 * visit (ui-suite.ts marks the catch-up's start and end with performance.mark).
 */

/** The fields of Chrome's trace events the ui bench reads. */
export interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { name?: string }
}

export interface CatchupTasks {
  /** The catch-up's marks, in trace time (µs). */
  start: TraceEvent
  end: TraceEvent
  /** The joining page's UI thread(s): CrRendererMain of the process that made the marks. */
  uiThreads: Set<number>
  /** Every top-level UI-thread task that overlaps the catch-up. */
  tasks: TraceEvent[]
}

/** Null when the trace lacks the catch-up marks. */
export function catchupTasks(events: readonly TraceEvent[]): CatchupTasks | null {
  const start = events.find((e) => e.name === 'peerlog:catchup-start')
  const end = events.find((e) => e.name === 'peerlog:catchup-end')
  if (!start || !end) return null
  const main = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === start.pid)
  const uiThreads = new Set(main.map((e) => e.tid))
  const tasks = events.filter(
    (e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === start.pid && uiThreads.has(e.tid) && e.ts + (e.dur ?? 0) >= start.ts && e.ts <= end.ts,
  )
  return { start, end, uiThreads, tasks }
}
