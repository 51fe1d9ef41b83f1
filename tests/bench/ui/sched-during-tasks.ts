/**
 * Why was a UI-thread task long? For each UI-thread task over MIN_MS (default 25) during
 * the catch-up of a traced ui-bench visit: how often the kernel took the UI thread off its
 * core, in which state (R: preempted while runnable; S or D: it waited for something),
 * and which threads ran on the cores meanwhile. A tool for reading traces, not a test.
 *
 *   perf record -e sched:sched_switch -a -k CLOCK_MONOTONIC -o /tmp/sched.data &
 *   UI_BENCH_TRACE=/tmp/ui npm run bench -- ui;  kill -INT %1
 *   perf script -i /tmp/sched.data -F cpu,time,event,trace > /tmp/sched.txt
 *   npx tsx tests/bench/ui/sched-during-tasks.ts /tmp/sched.txt /tmp/ui.1 /tmp/ui.2 …
 *
 * `-k CLOCK_MONOTONIC` puts perf's timestamps on the clock of Chrome's trace. perf needs
 * root (or perf_event_paranoid ≤ -1) and tracefs mounted at /sys/kernel/tracing.
 *
 * What it showed here (2 cores, 2026-12-05): in a 26 ms task with 4 ms of UI-thread CPU,
 * the UI thread was switched out 6 times, every time runnable (R), for the log worker,
 * V8's thread-pool threads (compiling and collecting for the worker) and WebRTC's
 * network thread: threads of the same priority in the same scheduling group, which the
 * kernel shares the cores with fairly once the UI thread has run for a few milliseconds.
 */
import { readFileSync } from 'node:fs'
import { type TraceEvent, catchupTasks } from './catchup-tasks.ts'

interface Switch {
  t: number // µs, CLOCK_MONOTONIC
  cpu: number
  prevTid: number
  prevState: string
  nextTid: number
  nextComm: string
}

const MIN_MS = Number(process.env.MIN_MS ?? 25)

function readSwitches(file: string): Switch[] {
  const out: Switch[] = []
  const line = /\[(\d+)\]\s+([\d.]+):\s+sched:sched_switch:\s+prev_comm=.*? prev_pid=(\d+) .*?prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)/
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    const m = line.exec(text)
    if (m) out.push({ cpu: +m[1]!, t: +m[2]! * 1e6, prevTid: +m[3]!, prevState: m[4]!, nextComm: m[5]!, nextTid: +m[6]! })
  }
  return out.sort((a, b) => a.t - b.t)
}

/** Microseconds each thread ran on any core within [from, to). */
function whoRan(switches: Switch[], from: number, to: number): Map<string, number> {
  const ran = new Map<string, number>()
  const cpus = new Set(switches.map((s) => s.cpu))
  for (const cpu of cpus) {
    const onCpu = switches.filter((s) => s.cpu === cpu)
    const before = onCpu.filter((s) => s.t <= from).at(-1)
    let current = before ? `${before.nextComm}/${before.nextTid}` : '?'
    let since = from
    for (const s of onCpu.filter((s) => s.t > from && s.t < to)) {
      ran.set(current, (ran.get(current) ?? 0) + s.t - since)
      current = `${s.nextComm}/${s.nextTid}`
      since = s.t
    }
    ran.set(current, (ran.get(current) ?? 0) + to - since)
  }
  return ran
}

function report(switches: Switch[], traceFile: string): void {
  const events = (JSON.parse(readFileSync(traceFile, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents
  const catchup = catchupTasks(events)
  if (!catchup) return console.log(`${traceFile}: no catch-up marks`)
  const threadNames = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [e.tid, e.args?.name ?? '']))
  const tasks = catchup.tasks.filter((e) => (e.dur ?? 0) > MIN_MS * 1000)
  console.log(`${traceFile}: ${tasks.length} UI-thread tasks over ${MIN_MS} ms during the catch-up`)
  for (const task of tasks) {
    const from = task.ts
    const to = task.ts + (task.dur ?? 0)
    const out = switches.filter((s) => s.prevTid === task.tid && s.t >= from && s.t < to)
    const states = new Map<string, number>()
    for (const s of out) states.set(s.prevState, (states.get(s.prevState) ?? 0) + 1)
    const ran = [...whoRan(switches, from, to)]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([who, us]) => `${threadNames.get(+who.split('/')[1]!) ?? who} ${(us / 1000).toFixed(1)}`)
    console.log(
      `  +${((from - catchup.start.ts) / 1000).toFixed(0)} ms: wall ${((task.dur ?? 0) / 1000).toFixed(1)} ms, UI-thread cpu ${((task.tdur ?? 0) / 1000).toFixed(1)} ms;` +
        ` switched out ${out.length}× (${[...states].map(([st, n]) => `${st}: ${n}`).join(', ') || 'never'})`,
    )
    console.log(`      ran meanwhile (ms, both cores): ${ran.join(', ')}`)
  }
}

const [schedFile, ...traces] = process.argv.slice(2)
if (!schedFile || traces.length === 0) {
  console.error('usage: sched-during-tasks.ts <perf script output> <trace>…')
  process.exit(2)
}
const switches = readSwitches(schedFile)
for (const trace of traces) report(switches, trace)
