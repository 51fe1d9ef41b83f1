/**
 * The `ui` suite (issue 4, "Large catch-up … with the UI thread never blocked for more
 * than 50 ms"): how long the UI thread of a fresh tab is blocked while it pulls a large
 * room from a peer, measured in the real app (the built client served by the real server).
 *
 *   Node ── vite build → dist/ ── startSignalingServer(127.0.0.1:0, dist)
 *     ├─ Chromium profile A: opens /, authors UI_CONFIG.events events (peerlogDebug.generate)
 *     └─ Chromium profile B: opens A's room link with a PerformanceObserver('longtask')
 *        installed before any script runs; waits until B shows every event
 *
 * Two persistent profiles, not two contexts of one browser: a throwaway context keeps
 * OPFS in memory, which is not what a user's tab gets (see ../chromium.ts). Both run in
 * the bench's scheduling group, not one each (browser-in-session.ts says why;
 * UI_BENCH_SEPARATE_GROUPS=1 gives each its own).
 *
 * A long task is one task over 50 ms on the UI thread (the Long Tasks API reports only
 * those), so the target "never blocked for more than 50 ms" is: no long task during the
 * catch-up. Reported for the catch-up window (first progress shown → every event shown)
 * and, separately, for the whole visit (page load included).
 *
 * Long tasks on this 2-core machine vary a lot from run to run, so UI_CONFIG.visits fresh
 * profiles join one after another (each from an empty OPFS) and the headline keys are
 * medians over them, the worst beside them.
 *
 * JSON keys: ui_catchup_max_task_ms (the longest task during the catch-up, 0 when none;
 * median of visits) and ui_catchup_max_task_ms_worst, ui_catchup_longtasks (count over
 * 50 ms), ui_catchup_blocked_ms (the sum of each long task's time beyond 50 ms),
 * ui_load_max_task_ms, catchup_s, ui_first_rows_ms (the catch-up's start → its first todo
 * row in the page; median of visits), events, todos, and `visits` with each visit's numbers
 * and long tasks, and (blocking_frames) the long animation frames that hold the catch-up's
 * long tasks, with the scripts that ran in them (each named with the app file it came
 * from, or "the bench" for the bench's own init scripts). UI_BENCH_TRACE=<file> traces each visit
 * into <file>.1, <file>.2, ….
 *
 * Then one more visit is traced (Chrome's trace, not the Long Tasks API), to split each
 * long task into the UI thread's own CPU time and time spent waiting for a core:
 * ui_catchup_max_task_cpu_ms is the most CPU time the UI thread spent in one task during
 * that catch-up, and traced_visit lists each long task's wall and CPU milliseconds.
 * UI_BENCH_NICE_SENDER=1 runs the sending browser at the lowest CPU priority (see
 * persistentBrowser for how, and why plain `nice` does nothing here). Both browsers run
 * with the thread priorities a user's browser gets, also when the bench runs as root
 * (UI_CONFIG.rootPriorities; UI_BENCH_ROOT_PRIORITIES=1 keeps root's).
 * ui_catchup_longtasks_total counts the long tasks of all visits.
 * UI_BENCH_FRAME_GAPS=1: each visit also counts the gaps between animation frames over 40
 * ms (two frames or more missed; one missed frame, ~33 ms, is common and jitters around
 * 33.4) and over 50 ms: frame_gaps_over_40ms is their median over visits,
 * frame_gaps_over_50ms_total the sum (both null without the option). Finer than long
 * tasks, and it also sees frames held up by a burst of short tasks, or by a compositor
 * that waits for a core; but its requestAnimationFrame loop loads the UI thread it
 * measures (UI_CONFIG.frameGaps), so it is off by default.
 * UI_BENCH_MORE_CATEGORIES=<list> adds trace categories, e.g. `toplevel,blink_gc,cppgc`
 * to name the UI-thread tasks that show no devtools events (Blink's GC sweeping).
 * sched-during-tasks.ts reads such traces beside a `perf` record of the kernel's
 * scheduling, to tell a UI thread that waited for a core from one that waited for a thread.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, type Page, chromium } from 'playwright'
import { build } from 'vite'
import { startSignalingServer } from '../../../signaling/server.ts'
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_LOOPBACK_ARG } from '../../helpers/chromium.ts'
import { loadAverage, machineInfo } from '../machine.ts'
import { type TraceEvent, catchupTasks } from './catchup-tasks.ts'
import { launchInSession, procStat, untilQuiet } from './browser-in-session.ts'
import { type BenchRow, type Suite, median, round, rowWithTarget } from '../suite.ts'

export const UI_CONFIG = {
  /** Events in the room the fresh tab joins (4 per todo, as peerlogDebug.generate writes them). */
  events: Number(process.env.UI_BENCH_EVENTS ?? 100_000),
  /** The sending browser runs at the lowest CPU priority (UI_BENCH_NICE_SENDER=1). */
  niceSender: !!process.env.UI_BENCH_NICE_SENDER,
  /**
   * UI_BENCH_ROOT_PRIORITIES=1: run the browsers with root's right to raise thread
   * priorities, as this machine's user (root) would. Off by default: Chromium asks for
   * nice -8 for the threads it deems display-critical (each browser's main and IO threads,
   * the network service's IO thread, a renderer's compositor and its WebRTC network
   * thread; base/threading's kDisplayCritical), which only a process with CAP_SYS_NICE
   * gets. A user's browser runs without it, so there they all stay at nice 0, beside the
   * page's UI thread. Run as root, those threads weigh three times a nice-0 thread each
   * (the kernel's weights 3121 and 1024), and while the catch-up's packets keep them busy
   * the page's UI thread and the log worker get the rest of the two cores between them.
   * Measured with UI_BENCH_PROBE=10 (a task of ~9.5 ms of work every 100 ms, 12 visits
   * each, sender niced, 2026-12-06): probe runs stretched past 30 ms were 5.5% of 818 as
   * root, 2.5% of 845 as a user; past 50 ms, 3 against 0; catch-up 6.6 s against 7.0 s.
   */
  rootPriorities: !!process.env.UI_BENCH_ROOT_PRIORITIES,
  /**
   * UI_BENCH_SEPARATE_GROUPS=1: each browser in a scheduling group of its own, as
   * Playwright starts them (see persistentBrowser and browser-in-session.ts). Off by
   * default: both share the bench's group. A niced sender always has its own group.
   */
  separateGroups: !!process.env.UI_BENCH_SEPARATE_GROUPS,
  /**
   * UI_BENCH_FRAME_GAPS=1: each visit also counts the gaps between animation frames, with
   * a requestAnimationFrame loop in the page. Off by default, because the loop is part of
   * what it measures: it makes the page render a frame every 16.7 ms, ~0.75 ms of
   * UI-thread CPU each even when nothing changed. In a catch-up's first 1.5 s, frame tasks
   * (most of them the loop's) were 79-85 of the UI thread's ~260 tasks and 43-55% of its
   * CPU time (Chrome traces of 4 visits), and its callback runs inside the app's own
   * rendering frames, the tasks the Long Tasks API times.
   */
  frameGaps: !!process.env.UI_BENCH_FRAME_GAPS,
  /** Fresh tabs that join one after another; each visit's numbers, and their median. */
  visits: Number(process.env.UI_BENCH_VISITS ?? 3),
  /** UI_BENCH_PROBE=<ms>: a task of that much fixed work on the joining page's UI thread every PROBE_EVERY_MS (probeScript). */
  probeMs: Number(process.env.UI_BENCH_PROBE ?? 0),
  /** Minutes allowed for generating and for catching up, each. */
  timeoutMinutes: 10,
}

export const UI_TARGETS = { ui_catchup_max_task_ms: { max: 50 } } as const

const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

interface LongTask {
  start: number
  duration: number
}

/** What the bench keeps of a long animation frame (PerformanceLongAnimationFrameTiming). */
interface LongFrame {
  start: number
  duration: number
  /** Of its tasks, the time beyond 50 ms each (the Long Tasks API's "blocking"). */
  blocking: number
  /** Style, layout and paint at its end. */
  render: number
  scripts: Array<{ what: string; duration: number }>
}

/** The fields of a long-animation-frame entry the bench reads (not yet in TypeScript's DOM types). */
interface LoafEntry {
  startTime: number
  duration: number
  blockingDuration: number
  renderStart: number
  scripts: Array<{ invokerType: string; invoker: string; sourceFunctionName: string; sourceURL: string; duration: number }>
}

interface Visit {
  tasks: LongTask[]
  longFrames: LongFrame[]
  catchupStart: number
  catchupEnd: number
  itemsMounted: number
  /** When the first todo row was put into the page (performance.now), -1 if never. */
  firstRow: number
  /** Gaps between animation frames over 20 ms: when each ended and how long it was. */
  frameGaps: Array<{ end: number; gap: number }>
  /** With UI_CONFIG.probeMs: the probe's calibrated CPU cost and each run's start and wall time. */
  probe: { costMs: number; runs: Array<{ start: number; wall: number }> } | null
}

/** How often the probe runs. */
const PROBE_EVERY_MS = 100

/**
 * UI_BENCH_PROBE=<ms>: a control for the long tasks the app's own UI work shows. Every
 * PROBE_EVERY_MS the joining page runs a task of fixed work, <ms> long on an idle core
 * (calibrated at document start: the fastest of 15 runs), and notes how long it
 * took. The work is the same every time, so whatever a run takes beyond its cost is time
 * the UI thread waited to run: the machine's doing, not the app's. Probe runs over 50 ms
 * during the catch-up say how often this machine stretches a short UI task past the
 * target whatever the task does; the app's long tasks (the probe's own left out) are
 * counted beside them. The probe adds <ms>/PROBE_EVERY_MS of a core to the UI thread, so
 * these visits are a diagnosis, not the headline.
 */
function probeScript(targetMs: number): string {
  // Scaled to the target three times over: the first runs are slower (V8 has not
  // optimized the loop yet), and the fastest run is the one least disturbed.
  return `{ const work = (n) => { let x = 1; for (let i = 0; i < n; i++) x = (x * 1.000001 + i) % 1e9; return x }
    let n = 20000, cost = Infinity; window.__probeSink = 0
    for (let i = 0; i < 8; i++) window.__probeSink += work(n)
    for (let pass = 0; pass < 3; pass++) {
      if (pass > 0) n = Math.max(1, Math.round(n * ${targetMs} / Math.max(cost, 0.01)))
      cost = Infinity
      for (let i = 0; i < 15; i++) { const t = performance.now(); window.__probeSink += work(n); cost = Math.min(cost, performance.now() - t) }
    }
    window.__probe = { costMs: cost, runs: [] }
    setInterval(() => { const t = performance.now(); window.__probeSink += work(n); window.__probe.runs.push({ start: t, wall: performance.now() - t }) }, ${PROBE_EVERY_MS}) }`
}

/**
 * A Chromium with a fresh profile (removed by the caller). `niced`: run it at the lowest
 * CPU priority; `sched` then says what priority it got (the line of /proc/…/autogroup, or
 * why there is none). `threadNice`: the lowest nice value among its browser process's
 * threads once it has started (0 unless it could raise some; see UI_CONFIG.rootPriorities).
 *
 * Scheduling groups: Playwright starts each browser in a session of its own (setsid), and
 * Linux with autogroup scheduling (kernel.sched_autogroup_enabled=1, as here) schedules a
 * session as one group. By default the browsers are started in the bench's own session
 * instead (browser-in-session.ts says why), so they share one group and their threads
 * compete one by one; UI_BENCH_SEPARATE_GROUPS=1 keeps Playwright's separate sessions.
 *
 * Niced: under load, two groups split the two cores evenly, whatever the nice values of
 * their threads. Only a group's own nice value (/proc/<pid>/autogroup) moves that split,
 * so a niced browser gets a session (group) of its own, and a wrapper script sets the
 * group's nice value before it execs Chromium. (Nice values would not do
 * anyway: Chromium, run as root, resets its processes' priorities; its renderers ran at
 * nice 0 under the `nice -n 19` wrapper this option first used.)
 *
 * The same wrapper takes CAP_SYS_NICE from a browser run as root (setpriv), unless
 * UI_CONFIG.rootPriorities: see there. Returns once the fresh browser's own start-up work
 * is done (browser-in-session.ts, untilQuiet).
 */
async function persistentBrowser(
  profiles: string[],
  niced = false,
): Promise<{ ctx: BrowserContext; sched: string; threadNice: number | null; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'peerlog-ui-bench-'))
  profiles.push(profile)
  const schedFile = join(profile, 'sched.txt')
  const pidFile = join(profile, 'pid.txt')
  const executablePath = join(profile, 'chromium.sh')
  const asUser = !UI_CONFIG.rootPriorities && process.getuid?.() === 0
  const script = [
    '#!/bin/sh',
    `echo $$ > '${pidFile}'`,
    ...(niced
      ? [
          '{ echo 19 > /proc/self/autogroup; } 2>/dev/null',
          `cat /proc/self/autogroup > '${schedFile}' 2>/dev/null || echo 'no autogroup: runs at normal priority' > '${schedFile}'`,
        ]
      : []),
    // Without setpriv (util-linux) the browser keeps root's priorities: threadNice shows it.
    ...(asUser ? [`command -v setpriv >/dev/null && exec setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice ${CHROMIUM_PATH} "$@"`] : []),
    `exec ${CHROMIUM_PATH} "$@"`,
  ]
  await writeFile(executablePath, script.join('\n') + '\n', { mode: 0o755 })
  const args = [...CHROMIUM_ARGS, WEBRTC_LOOPBACK_ARG]
  const userDataDir = join(profile, 'data')
  let ctx: BrowserContext
  let close: () => Promise<void>
  let sched: string
  if (niced || UI_CONFIG.separateGroups) {
    ctx = await chromium.launchPersistentContext(userDataDir, { executablePath, args, headless: true })
    close = () => ctx.close()
    sched = niced ? (await readFile(schedFile, 'utf8')).trim() : 'normal, a scheduling group of its own'
  } else {
    ;({ ctx, close } = await launchInSession(executablePath, userDataDir, profile, args))
    sched = 'normal, in the bench\'s scheduling group'
  }
  const pid = Number(await readFile(pidFile, 'utf8'))
  // Its own start-up done first, as a user's browser has it done (untilQuiet says why).
  if (!(await untilQuiet(pid))) console.error('  (the fresh browser was still busy after 15 s: going on)')
  return { ctx, sched, close, threadNice: await lowestThreadNice(pid) }
}

/** The lowest nice value among the threads of process `pid` (null where /proc cannot say). */
async function lowestThreadNice(pid: number): Promise<number | null> {
  try {
    const tids = await readdir(`/proc/${pid}/task`)
    let lowest: number | null = null
    for (const tid of tids) {
      const nice = Number((await procStat(`${pid}/task/${tid}`))?.[16])
      if (Number.isInteger(nice)) lowest = lowest === null ? nice : Math.min(lowest, nice)
    }
    return lowest
  } catch {
    return null
  }
}

const eventCount = (page: Page) => page.getByTestId('event-count')

async function waitForEvents(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="event-count"]')?.textContent?.trim() === String(want),
    n,
    { timeout: UI_CONFIG.timeoutMinutes * 60_000, polling: 250 },
  )
}

/** B's visit: long tasks from before the first script, and when catch-up began and ended. */
async function visit(b: Page, link: string, events: number): Promise<Visit> {
  await b.addInitScript(() => {
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }>; __catchupStart: number }
    w.__longTasks = []
    w.__catchupStart = -1
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration })
    }).observe({ type: 'longtask', buffered: true })
    // Long animation frames (over 50 ms from a task's start to the frame it led to) name
    // the scripts that ran in them and split off the rendering: what each long task was.
    const loaf = window as unknown as { __longFrames: LongFrame[] }
    loaf.__longFrames = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as LoafEntry[])
        loaf.__longFrames.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          render: e.renderStart > 0 ? e.startTime + e.duration - e.renderStart : 0,
          // Where the script came from: one of the app's files, or (no URL) one of the
          // bench's own init scripts, such as the frame-gap loop below.
          scripts: e.scripts.map((sc) => ({
            what: `${sc.invokerType} ${sc.invoker}${sc.sourceFunctionName ? ` (${sc.sourceFunctionName})` : ''} from ${sc.sourceURL ? sc.sourceURL.split('/').pop() : 'the bench'}`,
            duration: sc.duration,
          })),
        })
    }).observe({ type: 'long-animation-frame', buffered: true })
    // The catch-up starts when the progress bar first shows up. Also counted: todo items
    // put into the page (each one mounted costs; a page of them should be mounted once).
    ;(window as unknown as { __itemsMounted: number }).__itemsMounted = 0
    ;(window as unknown as { __firstRow: number }).__firstRow = -1
    new MutationObserver((records) => {
      if (w.__catchupStart < 0 && document.querySelector('[data-testid="sync-progress"]')) {
        w.__catchupStart = performance.now()
        performance.mark('peerlog:catchup-start') // for the trace (threadCpu below)
      }
      for (const r of records)
        for (const node of r.addedNodes)
          if (node instanceof HTMLElement && node.dataset.testid === 'todo-item') {
            const m = window as unknown as { __itemsMounted: number; __firstRow: number }
            if (m.__itemsMounted++ === 0) m.__firstRow = performance.now()
          }
    }).observe(document, { subtree: true, childList: true })
  })
  // UI_BENCH_FRAME_GAPS=1: gaps between animation frames (see UI_CONFIG.frameGaps). A
  // string: tsx would wrap a named function in a helper (__name) that the page lacks.
  await b.addInitScript({
    content: `window.__frameGaps = []; if (${UI_CONFIG.frameGaps}) { let last = -1; const onFrame = (t) => {
      if (last >= 0 && t - last > 20) window.__frameGaps.push({ end: t, gap: t - last })
      last = t; requestAnimationFrame(onFrame) }; requestAnimationFrame(onFrame) }`,
  })
  if (UI_CONFIG.probeMs > 0) await b.addInitScript({ content: probeScript(UI_CONFIG.probeMs) })
  await b.goto(link)
  await waitForEvents(b, events)
  await b.evaluate(() => performance.mark('peerlog:catchup-end'))
  // Let the last snapshot render and the observer deliver its entries.
  await b.waitForTimeout(1000)
  return b.evaluate(() => {
    const w = window as unknown as { __longTasks: Array<{ start: number; duration: number }>; __catchupStart: number }
    const itemsMounted = (window as unknown as { __itemsMounted: number }).__itemsMounted
    const firstRow = (window as unknown as { __firstRow: number }).__firstRow
    const frameGaps = (window as unknown as { __frameGaps: Array<{ end: number; gap: number }> }).__frameGaps
    const probe = (window as unknown as { __probe?: Visit['probe'] }).__probe ?? null
    const longFrames = (window as unknown as { __longFrames: LongFrame[] }).__longFrames
    return { tasks: w.__longTasks, catchupStart: w.__catchupStart, catchupEnd: performance.now() - 1000, itemsMounted, firstRow, frameGaps, probe, longFrames }
  })
}

/**
 * From a trace of one visit: each UI-thread task of the catch-up window that took over
 * 50 ms of wall time, with the CPU time the UI thread itself spent in it (`tdur`). A task
 * whose CPU time is far below its wall time waited for a core: on this 2-core machine
 * the sending browser, the receiving worker and the UI thread share two.
 */
function threadCpu(events: TraceEvent[]): { tasks: Array<{ wall_ms: number; cpu_ms: number }>; max_cpu_ms: number; max_wall_ms: number } {
  const catchup = catchupTasks(events)
  if (!catchup) throw new Error('the trace lacks the catch-up marks')
  const inWindow = catchup.tasks
  return {
    tasks: inWindow.filter((e) => (e.dur ?? 0) > 50_000).map((e) => ({ wall_ms: round((e.dur ?? 0) / 1000), cpu_ms: round((e.tdur ?? 0) / 1000) })),
    max_cpu_ms: round(Math.max(0, ...inWindow.map((e) => (e.tdur ?? 0) / 1000))),
    // The longest task whatever its length: how close to 50 ms a visit with none came.
    max_wall_ms: round(Math.max(0, ...inWindow.map((e) => (e.dur ?? 0) / 1000))),
  }
}

/** One visit's numbers: the catch-up window's long tasks, and the whole visit's. */
function summarize(v: Visit) {
  const inCatchup = (start: number, duration: number) => start + duration >= v.catchupStart && start <= v.catchupEnd
  const probeRuns = (v.probe?.runs ?? []).filter((r) => inCatchup(r.start, r.wall))
  // A long task that holds a probe run is the probe's, not the app's.
  const isProbe = (t: LongTask) => probeRuns.some((r) => r.start >= t.start && r.start <= t.start + t.duration)
  const during = v.tasks.filter((t) => inCatchup(t.start, t.duration) && !isProbe(t))
  const maxOf = (ts: LongTask[]) => round(Math.max(0, ...ts.map((t) => t.duration)))
  // Null when not counted (UI_BENCH_FRAME_GAPS unset): no gap seen is not no gap.
  const gapsDuring = UI_CONFIG.frameGaps ? v.frameGaps.filter((g) => inCatchup(g.end - g.gap, g.gap)) : null
  return {
    catchup_s: round((v.catchupEnd - v.catchupStart) / 1000),
    ui_catchup_longtasks: during.length,
    ui_catchup_max_task_ms: maxOf(during),
    ui_catchup_blocked_ms: round(during.reduce((s, t) => s + t.duration - 50, 0)),
    ui_load_max_task_ms: maxOf(v.tasks),
    frame_gaps_over_40ms: gapsDuring && gapsDuring.filter((g) => g.gap > 40).length,
    frame_gaps_over_50ms: gapsDuring && gapsDuring.filter((g) => g.gap > 50).length,
    max_frame_gap_ms: gapsDuring && round(Math.max(0, ...gapsDuring.map((g) => g.gap))),
    catchup_start_ms: round(v.catchupStart),
    todo_items_mounted: v.itemsMounted,
    first_rows_ms: v.firstRow < 0 ? null : round(v.firstRow - v.catchupStart),
    long_tasks: v.tasks.map((t) => ({ start_ms: round(t.start), duration_ms: round(t.duration) })),
    /** The long animation frames that hold the catch-up's long tasks. */
    blocking_frames: v.longFrames
      .filter((f) => during.some((t) => t.start >= f.start - 1 && t.start <= f.start + f.duration))
      .map((f) => ({
        at_ms: round(f.start - v.catchupStart),
        duration_ms: round(f.duration),
        blocking_ms: round(f.blocking),
        render_ms: round(f.render),
        scripts: f.scripts.filter((sc) => sc.duration >= 1).map((sc) => `${sc.what} ${round(sc.duration)} ms`),
      })),
    probe: v.probe && {
      cost_ms: round(v.probe.costMs),
      runs: probeRuns.length,
      over_50ms: probeRuns.filter((r) => r.wall > 50).length,
      max_wall_ms: round(Math.max(0, ...probeRuns.map((r) => r.wall))),
      walls_over_20ms: probeRuns.filter((r) => r.wall > 20).map((r) => round(r.wall)),
    },
  }
}

/** The probe's runs over all visits (UI_CONFIG.probeMs), beside the app's long tasks. */
function probeTotals(visits: ReadonlyArray<ReturnType<typeof summarize>>) {
  const probes = visits.flatMap((v) => (v.probe ? [v.probe] : []))
  return {
    cost_ms: round(median(probes.map((p) => p.cost_ms))),
    runs: probes.reduce((sum, p) => sum + p.runs, 0),
    over_50ms: probes.reduce((sum, p) => sum + p.over_50ms, 0),
    max_wall_ms: round(Math.max(0, ...probes.map((p) => p.max_wall_ms))),
    app_longtasks: visits.reduce((sum, v) => sum + v.ui_catchup_longtasks, 0),
  }
}

/**
 * A fresh profile joins `link` and catches up on `n` events. `trace`: null, or record a
 * Chrome trace (written to `trace.file` if set) and analyse it with threadCpu.
 */
async function joinFresh(
  link: string,
  n: number,
  trace: { file?: string } | null,
  progress: (text: string) => void,
): Promise<Visit & { cpu: ReturnType<typeof threadCpu> | null; threadNice: number | null }> {
  const traceFile = trace?.file
  const profiles: string[] = []
  const { ctx, threadNice, close } = await persistentBrowser(profiles)
  try {
    const b = ctx.pages()[0] ?? (await ctx.newPage())
    b.on('pageerror', (err) => progress(`B page error: ${err.message}`))
    const cdp = trace ? await ctx.newCDPSession(b) : null
    const traceEvents: TraceEvent[] = []
    if (cdp) {
      cdp.on('Tracing.dataCollected', (e) => traceEvents.push(...(e.value as unknown as TraceEvent[])))
      await cdp.send('Tracing.start', {
        categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing' + (process.env.UI_BENCH_MORE_CATEGORIES ? ',' + process.env.UI_BENCH_MORE_CATEGORIES : ''),
        transferMode: 'ReportEvents',
      })
      // UI_BENCH_CPU=1: a JS CPU profile beside it (<file>.cpuprofile), on the trace's
      // clock. Sampling slows the page down: long tasks grow under it.
      if (process.env.UI_BENCH_CPU && traceFile) {
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
        await cdp.send('Profiler.start')
      }
      // UI_BENCH_HEAP=1: where the UI thread allocates (<file>.heapprofile, sampled every
      // 16 KiB, objects collected since included: allocation, not retention).
      if (process.env.UI_BENCH_HEAP && traceFile) {
        await cdp.send('HeapProfiler.enable')
        await cdp.send('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
      }
    }
    const result = await visit(b, link, n)
    let cpu: ReturnType<typeof threadCpu> | null = null
    if (cdp) {
      if (process.env.UI_BENCH_CPU && traceFile) {
        const { profile } = await cdp.send('Profiler.stop')
        await writeFile(`${traceFile}.cpuprofile`, JSON.stringify(profile))
      }
      if (process.env.UI_BENCH_HEAP && traceFile) {
        const { profile } = await cdp.send('HeapProfiler.stopSampling')
        await writeFile(`${traceFile}.heapprofile`, JSON.stringify(profile))
      }
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve))
      await cdp.send('Tracing.end')
      await done
      if (traceFile) {
        await writeFile(traceFile, JSON.stringify({ traceEvents }))
        progress(`wrote ${traceFile}`)
      }
      cpu = threadCpu(traceEvents)
    }
    if ((await eventCount(b).textContent())?.trim() !== String(n)) throw new Error('B does not show every event')
    return { ...result, cpu, threadNice }
  } finally {
    await close().catch(() => undefined)
    for (const p of profiles) await rm(p, { recursive: true, force: true })
  }
}

export const uiSuite: Suite = {
  name: 'ui',
  description: 'UI-thread blocking in the real app while a fresh tab catches up on a large room (chromium)',
  async run() {
    const machine = machineInfo()
    const start = performance.now()
    const progress = (text: string) => console.error(`  ${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s  ${text}`)
    const n = UI_CONFIG.events

    progress('building the client')
    // Profiling builds unminified, so the profile names our functions.
    const minify = !process.env.UI_BENCH_TRACE
    await build({ configFile: join(PROJECT_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { minify } })
    const dist = join(PROJECT_ROOT, 'dist')
    const server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dist, log: { info() {}, warn() {}, error: console.error } })
    const profiles: string[] = []
    let ctxA: BrowserContext | null = null
    let closeA: (() => Promise<void>) | null = null
    const visits: ReturnType<typeof summarize>[] = []
    let traced: ReturnType<typeof threadCpu> | null = null
    let browserVersion = ''
    let senderSched = ''
    /** The lowest thread nice value seen in each browser process (UI_CONFIG.rootPriorities). */
    const threadNice: { sender: number | null; receiver: number | null } = { sender: null, receiver: null }
    const lowest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b))
    try {
      // UI_BENCH_NICE_SENDER=1: the sending browser yields the CPU to the joining one, as
      // if it ran on another machine (here both share two cores).
      const sender = await persistentBrowser(profiles, UI_CONFIG.niceSender)
      ctxA = sender.ctx
      closeA = sender.close
      senderSched = sender.sched
      threadNice.sender = sender.threadNice
      progress(`sending browser's scheduling: ${senderSched}`)
      const a = ctxA.pages()[0] ?? (await ctxA.newPage())
      await a.goto(server.url)
      await a.waitForURL(/\/r\//)
      await a.getByPlaceholder('What needs to be done?').waitFor()
      progress(`A authors ${n} events`)
      await a.evaluate((count) => (window as unknown as { peerlogDebug: { generate(n: number): void } }).peerlogDebug.generate(count), n)
      await waitForEvents(a, n)
      const link = a.url()
      const { product } = await (await ctxA.newCDPSession(a)).send('Browser.getVersion')
      browserVersion = product.replace(/^[^/]*\//, '')
      for (let i = 0; i < UI_CONFIG.visits; i++) {
        progress(`visit ${i + 1}/${UI_CONFIG.visits}: a fresh profile joins and catches up`)
        const trace = process.env.UI_BENCH_TRACE ? { file: `${process.env.UI_BENCH_TRACE}.${i + 1}` } : null
        const joined = await joinFresh(link, n, trace, progress)
        threadNice.receiver = lowest(threadNice.receiver, joined.threadNice)
        const v = summarize(joined)
        const gaps = UI_CONFIG.frameGaps ? `, frame gaps over 40 ms ${v.frame_gaps_over_40ms} (longest ${v.max_frame_gap_ms} ms)` : ''
        progress(`  longest task during catch-up ${v.ui_catchup_max_task_ms} ms, ${v.ui_catchup_longtasks} over 50 ms${gaps}, catch-up ${v.catchup_s} s`)
        for (const f of v.blocking_frames) progress(`    long frame at +${f.at_ms} ms: ${f.duration_ms} ms, render ${f.render_ms} ms; ${f.scripts.join(', ') || 'no script over 1 ms'}`)
        if (v.probe) progress(`  probe (${v.probe.cost_ms} ms of work): ${v.probe.over_50ms} of ${v.probe.runs} runs over 50 ms, longest ${v.probe.max_wall_ms} ms`)
        visits.push(v)
      }
      // One more visit, traced: how much of each long task was the UI thread's own work.
      progress('traced visit: UI-thread CPU time of the long tasks')
      traced = (await joinFresh(link, n, {}, progress)).cpu
      progress(`  ${traced?.tasks.map((t) => `${t.wall_ms} ms wall / ${t.cpu_ms} ms cpu`).join(', ') || 'no long task'}`)
    } finally {
      await closeA?.().catch(() => undefined)
      await server.close()
      for (const p of profiles) await rm(p, { recursive: true, force: true })
    }

    const mid = (key: 'catchup_s' | 'ui_catchup_longtasks' | 'ui_catchup_max_task_ms' | 'ui_catchup_blocked_ms' | 'ui_load_max_task_ms') =>
      round(median(visits.map((v) => v[key])))
    const worst = round(Math.max(...visits.map((v) => v.ui_catchup_max_task_ms)))
    const json = {
      suite: 'ui',
      date: new Date().toISOString(),
      machine: { ...machine, load_avg_1m_end: loadAverage(), chromium: browserVersion },
      config: UI_CONFIG,
      sender_sched: senderSched,
      browser_thread_nice_min: threadNice,
      targets: UI_TARGETS,
      events: n,
      todos: n / 4,
      catchup_s: mid('catchup_s'),
      ui_first_rows_ms: round(median(visits.flatMap((v) => (v.first_rows_ms === null ? [] : [v.first_rows_ms])))),
      ui_catchup_max_task_ms: mid('ui_catchup_max_task_ms'),
      ui_catchup_max_task_ms_worst: worst,
      ui_catchup_longtasks: mid('ui_catchup_longtasks'),
      ui_catchup_longtasks_total: visits.reduce((sum, v) => sum + v.ui_catchup_longtasks, 0),
      ui_catchup_blocked_ms: mid('ui_catchup_blocked_ms'),
      ui_load_max_task_ms: mid('ui_load_max_task_ms'),
      frame_gaps_over_40ms: UI_CONFIG.frameGaps ? round(median(visits.map((v) => v.frame_gaps_over_40ms ?? 0))) : null,
      frame_gaps_over_50ms_total: UI_CONFIG.frameGaps ? visits.reduce((sum, v) => sum + (v.frame_gaps_over_50ms ?? 0), 0) : null,
      ui_catchup_max_task_cpu_ms: traced?.max_cpu_ms ?? null,
      traced_visit: traced,
      probe: UI_CONFIG.probeMs > 0 ? probeTotals(visits) : null,
      visits,
    }
    const each = (key: 'ui_catchup_max_task_ms' | 'ui_catchup_longtasks' | 'frame_gaps_over_40ms') => `each visit: ${visits.map((v) => v[key]).join(', ')}`
    const rows: BenchRow[] = [
      { measure: `catch-up of ${n.toLocaleString('en-US')} events (first progress → all shown)`, value: json.catchup_s, unit: 's', note: 'median' },
      { measure: 'first todo rows shown (after the catch-up began)', value: json.ui_first_rows_ms, unit: 'ms', note: 'median' },
      rowWithTarget('longest UI-thread task during catch-up (median)', json.ui_catchup_max_task_ms, 'ms', UI_TARGETS.ui_catchup_max_task_ms, each('ui_catchup_max_task_ms')),
      { measure: 'UI-thread tasks over 50 ms during catch-up (median)', value: json.ui_catchup_longtasks, unit: '', note: each('ui_catchup_longtasks') },
      {
        measure: 'UI-thread tasks over 50 ms during catch-up (all visits)',
        value: json.ui_catchup_longtasks_total,
        unit: '',
        note: `in ${visits.filter((v) => v.ui_catchup_longtasks > 0).length} of ${visits.length} visits`,
      },
      { measure: 'UI-thread time blocked beyond 50 ms, summed (median)', value: json.ui_catchup_blocked_ms, unit: 'ms' },
      { measure: 'longest UI-thread task over the whole visit (median)', value: json.ui_load_max_task_ms, unit: 'ms', note: 'page load included' },
      {
        measure: 'most UI-thread CPU in one task during catch-up (traced visit)',
        value: json.ui_catchup_max_task_cpu_ms,
        unit: 'ms',
        note: `its long tasks, wall / cpu ms: ${traced?.tasks.map((t) => `${t.wall_ms}/${t.cpu_ms}`).join(', ') || 'none'}`,
      },
      { measure: 'longest UI-thread task during catch-up, any length (traced visit)', value: traced?.max_wall_ms ?? null, unit: 'ms', note: 'wall time; the Long Tasks API sees only those over 50 ms' },
      { measure: 'todo items put into the page (first visit)', value: visits[0]?.todo_items_mounted ?? null, unit: '', note: 'the list renders a window' },
    ]
    if (UI_CONFIG.frameGaps) {
      rows.push(
        { measure: 'gaps between frames over 40 ms during catch-up (median)', value: json.frame_gaps_over_40ms, unit: '', note: each('frame_gaps_over_40ms') },
        {
          measure: 'gaps between frames over 50 ms during catch-up (all visits)',
          value: json.frame_gaps_over_50ms_total,
          unit: '',
          note: `longest gap per visit: ${visits.map((v) => v.max_frame_gap_ms).join(', ')} ms`,
        },
      )
    }
    if (json.probe) {
      const p = json.probe
      rows.push(
        { measure: `probe runs (${p.cost_ms} ms of fixed work) over 50 ms during catch-up (all visits)`, value: p.over_50ms, unit: '', note: `of ${p.runs} runs, longest ${p.max_wall_ms} ms` },
        { measure: 'app tasks over 50 ms during catch-up, probe left out (all visits)', value: p.app_longtasks, unit: '', note: `in ${visits.length} visits` },
      )
    }
    return { summary: `${machine.cpus} cpus, load ${machine.load_avg_1m_start} → ${json.machine.load_avg_1m_end}, chromium ${browserVersion}, ${visits.length} visits, sender: ${senderSched}, ${UI_CONFIG.rootPriorities ? 'root' : 'user'} priorities (lowest thread nice: sender ${threadNice.sender}, joiner ${threadNice.receiver})`, rows, json }
  },
}
