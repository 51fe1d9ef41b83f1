/**
 * Starting a persistent Chromium in the bench's own session, as a plain child process,
 * and driving it over CDP: the way the ui suite puts both of its browsers in one
 * scheduling group.
 *
 * Why not Playwright's launch: it starts every browser as the leader of a new session
 * (spawn's `detached`, i.e. setsid), and Linux with autogroup scheduling
 * (kernel.sched_autogroup_enabled=1, the default here) schedules each session as one
 * group. Two browsers under load then split the two cores group against group. Measured
 * with `npm run bench -- ui` (100k events, sender at normal priority, 2026-12-06), visits
 * with a UI-thread task over 50 ms during the catch-up (each such task 1.5–11 ms of the UI
 * thread's own CPU in traces, stretched 5–20× waiting for a core):
 *   separate groups (Playwright's launch)          4 of 40   (11 of 120 the session before)
 *   one group (this module)                        1 of 80   catch-up 7.5 s against 8.5 s
 *   autogroup switched off (every thread alone)    0 of 40   catch-up 7.2 s
 * and once each visit also waited for its browser's start-up (untilQuiet, below): one
 * group 0 of 160 (two runs of 80), separate groups still 6 of 40.
 * The likely mechanism: a group's weight is spread over the CPUs by its recent load, so
 * the joining tab's UI thread, asleep most of the time, wakes on a CPU where its group
 * weighs a sliver of the sending browser's group, and waits. The sending browser stands
 * in for a peer on another machine; that split is a property of this test rig, not of
 * the tab, so by default the rig does not add it.
 *
 * The browser gets the arguments Playwright would give it (recorded by a stand-in
 * executable, so they follow Playwright's version) with a debugging port in place of the
 * pipe, and the viewport Playwright's persistent contexts emulate (1280×720).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright'

export interface SessionBrowser {
  /** The profile's default context, with one page at the emulated viewport. */
  ctx: BrowserContext
  close(): Promise<void>
}

const VIEWPORT = { width: 1280, height: 720 }

/** The arguments Playwright would start `args`' browser with, on profile `userDataDir`. */
async function playwrightArgs(scratchDir: string, userDataDir: string, args: string[]): Promise<string[]> {
  const recorder = join(scratchDir, 'record-args.sh')
  const recorded = join(scratchDir, 'args.bin')
  await writeFile(recorder, `#!/bin/sh\nprintf '%s\\0' "$@" > '${recorded}'\nexit 1\n`, { mode: 0o755 })
  // The stand-in exits at once, so the launch fails: expected, the arguments are on disk.
  await chromium
    .launchPersistentContext(userDataDir, { executablePath: recorder, args, headless: true, timeout: 10_000 })
    .then((ctx) => ctx.close(), () => undefined)
  const argv = (await readFile(recorded, 'utf8')).split('\0').slice(0, -1)
  if (!argv.includes('--remote-debugging-pipe')) throw new Error(`unexpected Playwright arguments: ${argv.join(' ')}`)
  return argv.map((a) => (a === '--remote-debugging-pipe' ? '--remote-debugging-port=0' : a))
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * The fields of /proc/<`task`>/stat after the command (which may hold spaces), from the
 * state on (index 0: state, 1: parent pid, 11 and 12: user and system time in clock
 * ticks, 16: nice); null when the process is gone. `task`: a pid, or `<pid>/task/<tid>`.
 */
export async function procStat(task: number | string): Promise<string[] | null> {
  const stat = await readFile(`/proc/${task}/stat`, 'utf8').catch(() => '')
  return stat === '' ? null : stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** Each process's parent pid and CPU time so far (clock ticks), read from /proc. */
async function processTable(): Promise<Map<number, { parent: number; ticks: number }>> {
  const table = new Map<number, { parent: number; ticks: number }>()
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const fields = await procStat(name)
    const parent = Number(fields?.[1])
    if (fields && Number.isInteger(parent)) table.set(Number(name), { parent, ticks: Number(fields[11]) + Number(fields[12]) })
  }
  return table
}

/** `root` and every process below it. */
function tree(table: Map<number, { parent: number }>, root: number): number[] {
  const below = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = table.get(p)?.parent) if (p === root) return true
    return false
  }
  return [...table.keys()].filter(below)
}

/** Every process below `root`. */
async function descendants(root: number): Promise<number[]> {
  return tree(await processTable(), root).filter((pid) => pid !== root)
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_S = 100

/**
 * Resolves once browser `pid` and its processes have used under `idleShare` of one core
 * over `windowMs`, or after `maxMs` (then false). A fresh browser spends its first
 * seconds on its own start-up (here ~1.3 s at two cores after Playwright is connected,
 * most of it loading the omnibox popup's WebUI into a renderer of its own); a visit that
 * began at once had that in its catch-up (one traced visit in nine: 718 ms of that
 * renderer's CPU, from 1.6 s before the catch-up into it). A user's browser did that
 * when it started, not when they open a room link.
 */
export async function untilQuiet(pid: number, { windowMs = 500, idleShare = 0.1, maxMs = 15_000 } = {}): Promise<boolean> {
  const cpuMs = async () => {
    const table = await processTable()
    return (tree(table, pid).reduce((sum, p) => sum + table.get(p)!.ticks, 0) * 1000) / TICKS_PER_S
  }
  const until = Date.now() + maxMs
  let before = await cpuMs()
  while (Date.now() < until) {
    await sleep(windowMs)
    const now = await cpuMs()
    if (now - before < windowMs * idleShare) return true
    before = now
  }
  return false
}

/** Waits until process `pid` has exited (SIGKILL after `timeoutMs`); a zombie has. */
async function gone(pid: number, timeoutMs: number): Promise<void> {
  const alive = async () => {
    const state = (await procStat(pid))?.[0]
    return state !== undefined && state !== 'Z'
  }
  for (const until = Date.now() + timeoutMs; (await alive()) && Date.now() < until; ) await sleep(50)
  if (await alive()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Exited meanwhile.
    }
  }
}

/** Resolves with the DevTools endpoint Chromium prints on stderr at start. */
function devtoolsEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => fail(new Error(`Chromium printed no DevTools endpoint in ${timeoutMs} ms:\n${seen.slice(-2000)}`)), timeoutMs)
    const onData = (chunk: Buffer) => {
      seen += chunk.toString()
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen)
      if (m) {
        done()
        resolve(m[1]!)
      }
    }
    const onExit = (code: number | null) => fail(new Error(`Chromium exited (${code}) before it listened:\n${seen.slice(-2000)}`))
    const onError = (err: Error) => fail(new Error(`Chromium did not start: ${err.message}`))
    const done = () => {
      clearTimeout(timer)
      child.stderr!.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
      // Keep draining: a full stderr pipe would stall the browser.
      child.stderr!.resume()
    }
    const fail = (err: Error) => {
      done()
      reject(err)
    }
    child.stderr!.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
  })
}

/**
 * A persistent Chromium on `userDataDir`, started by `executablePath` (Chromium or a
 * wrapper that execs it) as a child of this process, in its session.
 */
export async function launchInSession(executablePath: string, userDataDir: string, scratchDir: string, args: string[]): Promise<SessionBrowser> {
  const argv = await playwrightArgs(scratchDir, userDataDir, args)
  const child = spawn(executablePath, argv, { stdio: ['ignore', 'ignore', 'pipe'] })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve())
  })
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  try {
    const browser = await chromium.connectOverCDP(await devtoolsEndpoint(child, 30_000))
    const ctx = browser.contexts()[0]
    if (!ctx) throw new Error('Chromium has no default context')
    const page = ctx.pages()[0] ?? (await ctx.newPage())
    await page.setViewportSize(VIEWPORT)
    const close = async () => {
      // Its renderer, GPU and utility processes outlive it for a moment, and nothing
      // kills them as a group (Playwright kills its own browsers' process groups; this
      // one is in ours): wait for each, or removing the profile races what they write.
      const tree = await descendants(child.pid!)
      const session = await browser.newBrowserCDPSession().catch(() => null)
      await session?.send('Browser.close').catch(() => undefined)
      const quit = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])
      if (!quit) await kill()
      await browser.close().catch(() => undefined)
      for (const pid of tree) await gone(pid, 10_000)
    }
    return { ctx, close }
  } catch (err) {
    await kill()
    throw err
  }
}
