/**
 * The seeded sync simulator: 2–8 replicas on a random connected mesh, run through random
 * schedules of single steps — deliver one in-flight frame, a local edit (during sync),
 * lose a frame (a link failure, repaired later by reopening the link), duplicate a
 * frame, partition, heal, a sender's transport queue backlogged (its streamed catch-up
 * pauses) or drained — then healed, drained and flushed until quiet. Every schedule must end
 * with every replica holding the same heads, events and state hash, nothing authored
 * lost, nothing stuck waiting for parents, no warnings, and no event sent twice over one
 * directed link unasked (tests/helpers/sim-network.ts audits every frame).
 *
 *   npx vitest run tests/sim/sync.sim.test.ts                  1,000 schedules (SEEDS default)
 *   SEEDS=100000 npx vitest run tests/sim/sync.sim.test.ts     a long run
 *   SEED=4711 npx vitest run tests/sim/sync.sim.test.ts        replays one schedule (the failure message names it)
 */
import { describe, expect, it } from 'vitest'
import { SimNetwork, type SimNode, type SimStats, addStats, emptyStats } from '../helpers/sim-network.ts'
import type { TodoId } from '../../shared/ids.ts'
import type { EventValue } from '../../shared/event.ts'

const SEEDS = Number(process.env.SEEDS ?? 1000)
const ONE_SEED = process.env.SEED === undefined ? null : Number(process.env.SEED)
const NAMES = 'abcdefgh'
/** The engine's logged answer to an injected fault (a duplicated hello or catch-up frame): expected. */
const DUPLICATE_HELLO = /second (hello|catch-up) on a link dropped/

interface Schedule {
  sim: SimNetwork
  steps: number
  problems: string[]
}

/** Edges of a random connected mesh over n nodes: full, line, star, ring, or a random tree plus extra edges. */
function topology(sim: SimNetwork, n: number): Array<[number, number]> {
  const r = sim.random()
  const edges: Array<[number, number]> = []
  if (r < 0.2) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([i, j])
  } else if (r < 0.4) {
    for (let i = 1; i < n; i++) edges.push([i - 1, i])
  } else if (r < 0.5) {
    for (let i = 1; i < n; i++) edges.push([0, i])
  } else if (r < 0.6) {
    for (let i = 1; i < n; i++) edges.push([i - 1, i])
    if (n > 2) edges.push([n - 1, 0])
  } else {
    for (let i = 1; i < n; i++) edges.push([Math.floor(sim.random() * i), i])
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (sim.random() < 0.25 && !edges.some(([a, b]) => a === i && b === j)) edges.push([i, j])
      }
    }
  }
  return edges
}

/**
 * Random local actions on a random node — any event type, on its own, others' or
 * brand-new todos; usually one action, sometimes a batch of 2–4 in one transaction.
 */
async function randomEdit(sim: SimNetwork, todos: TodoId[]): Promise<void> {
  const n: SimNode = sim.pick(sim.nodes)
  const mine = n.node.log.states().map((t) => t.id)
  const existing = (): TodoId => {
    const s = sim.random()
    if (s < 0.7 && mine.length > 0) return sim.pick(mine)
    if (s < 0.9 && todos.length > 0) return sim.pick(todos)
    const t = sim.newTodo()
    todos.push(t)
    return t
  }
  const action = (): { todo: TodoId; type: string; value: EventValue } => {
    const r = sim.random()
    if (r < 0.25) {
      const todo = sim.random() < 0.85 ? sim.newTodo() : existing()
      if (!todos.includes(todo)) todos.push(todo)
      mine.push(todo)
      return { todo, type: 'create', value: null }
    }
    const todo = existing()
    if (r < 0.45) return { todo, type: 'set_content', value: `text ${Math.floor(sim.random() * 100)}` }
    if (r < 0.6) return { todo, type: 'add_to_list', value: sim.pick(['home', 'work', '']) }
    if (r < 0.75) return { todo, type: 'complete', value: sim.random() < 0.6 }
    if (r < 0.87) return { todo, type: 'delete', value: null }
    return { todo, type: 'x-future', value: sim.pick<EventValue>([null, true, 'opaque payload']) }
  }
  const count = sim.random() < 0.9 ? 1 : 2 + Math.floor(sim.random() * 3)
  await sim.edit(n, Array.from({ length: count }, action))
}

async function runSchedule(seed: number, { repair = true } = {}): Promise<Schedule> {
  const sim = new SimNetwork(seed, { tolerate: DUPLICATE_HELLO })
  // Half the schedules stream every catch-up in pages of 1–4 events, so pages interleave
  // with edits, forwards, losses and partitions (sync-engine.ts, "Streamed catch-up"),
  // half of those with a window that opens at 1–3 events and grows with acks (slow start).
  if (sim.random() < 0.5) {
    sim.catchUpPage = 1 + Math.floor(sim.random() * 4)
    if (sim.random() < 0.5) sim.catchUpFirst = 1 + Math.floor(sim.random() * 3)
  }
  // 2–8 replicas, small meshes more often (cost grows with the square of the size).
  const n = 2 + Math.floor(sim.random() ** 2 * 7)
  for (let i = 0; i < n; i++) await sim.addNode(NAMES[i]!)
  const todos: TodoId[] = []
  // Divergent histories before the first handshake.
  for (let i = Math.floor(sim.random() * 2 * n); i > 0; i--) await randomEdit(sim, todos)
  for (const [a, b] of topology(sim, n)) sim.addLink(NAMES[a]!, NAMES[b]!)

  const steps = 20 + Math.floor(sim.random() * 61)
  for (let i = 0; i < steps; i++) {
    const r = sim.random()
    if (r < 0.5) await sim.deliverRandom()
    else if (r < 0.7) await randomEdit(sim, todos)
    else if (r < 0.72) sim.backlogRandom()
    else if (r < 0.74) sim.drainRandom()
    else if (r < 0.79) sim.duplicateRandom()
    else if (r < 0.85) sim.dropRandom()
    else if (r < 0.9 && repair) await sim.repairRandom()
    else if (r < 0.95) await sim.partition()
    else await sim.heal()
  }
  await sim.settle({ repair })
  return { sim, steps, problems: await sim.check() }
}

function failure(seed: number, sim: SimNetwork, problems: readonly string[]): string {
  return [
    `seed ${seed}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`,
    `replay: SEED=${seed} npx vitest run tests/sim/sync.sim.test.ts`,
    ONE_SEED === null ? 'last steps:' : 'steps:',
    sim.trace(ONE_SEED === null ? 25 : 10_000),
  ].join('\n')
}

function summary(schedules: number, steps: number, t: SimStats, ms: number): string {
  const types = Object.entries(t.byType)
    .map(([type, s]) => `${type} ${s.frames} frames/${s.bytes} B`)
    .join(', ')
  return (
    `sync sim: ${schedules} schedules, ${steps} steps, ${t.edits} edits in ${ms.toFixed(0)} ms; ` +
    `${t.frames} frames, ${t.bytes} bytes (${types}); ${t.eventsSent} events sent; ` +
    `faults: ${t.lost} frames lost, ${t.duplicated} duplicated, ${t.partitions} partitions, ${t.reopened} links reopened, ${t.backlogs} send queues backlogged; ` +
    `${t.exemptResends} resends after a duplicated hello; warnings: ${t.excusedWarnings} on links that lost or duplicated a frame, ` +
    `${t.toleratedWarnings} duplicated hellos dropped`
  )
}

describe('sync simulator', () => {
  it(`converges on every replica after ${ONE_SEED ?? SEEDS} random schedule(s) of edits, delays, losses, duplicates and partitions`, async () => {
    const seeds = ONE_SEED !== null ? [ONE_SEED] : Array.from({ length: SEEDS }, (_, i) => i + 1)
    const totals = emptyStats()
    let steps = 0
    const started = performance.now()
    for (const seed of seeds) {
      let run: Schedule
      try {
        run = await runSchedule(seed)
      } catch (err) {
        throw new Error(`seed ${seed} threw: ${(err as Error).stack}\nreplay: SEED=${seed} npx vitest run tests/sim/sync.sim.test.ts`)
      }
      if (run.problems.length > 0) expect.fail(failure(seed, run.sim, run.problems))
      if (ONE_SEED !== null) console.log(run.sim.trace(1000))
      addStats(totals, run.sim.stats)
      steps += run.steps
    }
    console.log(summary(seeds.length, steps, totals, performance.now() - started))
    if (seeds.length >= 200) {
      // The schedules really exercised every fault, not just the happy path.
      expect(totals.lost).toBeGreaterThan(0)
      expect(totals.duplicated).toBeGreaterThan(0)
      expect(totals.partitions).toBeGreaterThan(0)
      expect(totals.reopened).toBeGreaterThan(0)
      expect(totals.backlogs).toBeGreaterThan(0)
      expect(totals.byType.want?.frames ?? 0).toBeGreaterThan(0)
    }
  }, Math.max(60_000, (ONE_SEED === null ? SEEDS : 1) * 100))

  it('replays a schedule exactly from its seed', async () => {
    const [first, second] = [await runSchedule(4711), await runSchedule(4711)]
    expect(second.sim.trace(10_000)).toBe(first.sim.trace(10_000))
    expect(second.sim.stats).toEqual(first.sim.stats)
    expect(first.sim.stats.frames).toBeGreaterThan(0)
  })

  it('catches a network that loses frames and never repairs the link (the checker checks)', async () => {
    let caught: { seed: number; problems: string[] } | null = null
    for (let seed = 1; seed <= 300 && !caught; seed++) {
      const run = await runSchedule(seed, { repair: false })
      if (run.problems.length > 0) caught = { seed, problems: run.problems }
    }
    expect(caught?.problems.join('\n')).toMatch(/lacks|differ|holds|waiting for parents/)
  })
})
