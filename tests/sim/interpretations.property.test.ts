/**
 * Convergence and incremental materialization, property-based over seeded random histories
 * (tests/helpers/random-history.ts): 2–8 replicas author on top of their heads with random
 * merges, concurrent edits of the same todos, creates, deletes, completes and un-completes,
 * and unknown event types. Then, for every interpretation:
 *
 *   1. every authoring replica, once it has every event, has the state hash of a full
 *      fold (foldTodo over each todo's events) — incrementally, then after switching;
 *   2. a fresh TodoLog per interpretation, fed the events in a random causally valid order
 *      and batch sizes, with duplicates, matches the full fold at the end; one of them after
 *      every batch too (incremental = rebuild), and reopened from its store both under the
 *      same interpretation (reading the stored view) and another (a rebuild);
 *   3. on SqliteEventStore (wa-sqlite in memory): incremental under one interpretation,
 *      checked per batch, then each interpretation rebuilt, and read back from SQLite.
 *
 * Knobs: SEEDS=100000 runs that many cases (default 1000); SQLITE_SEEDS likewise for part 3
 * (default 50); SEED=1234 replays one case. A failure names its seed and how to replay it.
 */
import { describe, expect, it } from 'vitest'
import type { TodoId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import type { EventStore } from '../../shared/event-store.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { foldTodo } from '../../shared/todo-fold.ts'
import { stateHash } from '../../shared/state-hash.ts'
import { INTERPRETATIONS, INTERPRETATION_NAMES, type InterpretationName } from '../../shared/interpretations/index.ts'
import { rng } from '../helpers/fixtures.ts'
import { pick, randomDelivery, randomHistory, shuffle } from '../helpers/random-history.ts'
import { openMemoryStore } from '../helpers/open-memory-sqlite.ts'

const FILE = 'tests/sim/interpretations.property.test.ts'
const ONLY = process.env.SEED === undefined ? null : Number(process.env.SEED)
const seeds = (count: number) => (ONLY !== null ? [ONLY] : Array.from({ length: count }, (_, i) => i + 1))
const CASES = seeds(Number(process.env.SEEDS ?? 1000))
const SQLITE_CASES = seeds(Number(process.env.SQLITE_SEEDS ?? 50))
/** Generous: a long SEEDS= run must not hit Vitest's default timeout. */
const timeout = (cases: number, msPerCase: number) => Math.max(20_000, cases * msPerCase)

/** The state hash of a full fold of `events` under `name`: what every view must equal. */
function fullFold(events: readonly TodoEvent[], name: InterpretationName): string {
  const byTodo = new Map<TodoId, TodoEvent[]>()
  for (const e of events) byTodo.set(e.todo, [...(byTodo.get(e.todo) ?? []), e])
  return stateHash(name, [...byTodo].map(([id, es]) => foldTodo(id, es, INTERPRETATIONS[name].apply)))
}

/** Runs one case, re-throwing any failure with its seed and how to replay it. */
async function runCase(seed: number, body: (next: () => number, msg: string) => Promise<void>): Promise<void> {
  const msg = `seed ${seed} (replay: SEED=${seed} npx vitest run ${FILE})`
  try {
    await body(rng(seed), msg)
  } catch (err) {
    throw new Error(`${msg}: ${(err as Error).message}`, { cause: err })
  }
}

/** Feeds `batches` to a log on `store` under `name`, checking the view after each (when `everyBatch`). */
async function deliver(store: EventStore, name: InterpretationName, batches: TodoEvent[][], everyBatch: boolean, msg: string) {
  const log = await TodoLog.open(store, name)
  const delivered = new Map<string, TodoEvent>()
  for (const batch of batches) {
    await log.ingest(batch)
    for (const e of batch) delivered.set(e.id, e)
    if (everyBatch) expect(log.stateHash(), `${msg}: ${name} after ${delivered.size} events`).toBe(fullFold([...delivered.values()], name))
  }
  return log
}

describe('every interpretation converges, and incremental materialization equals a full fold', () => {
  it(
    `over ${CASES.length} random multi-replica histories (MemoryEventStore)`,
    async () => {
      let events = 0
      for (const seed of CASES) {
        await runCase(seed, async (next, msg) => {
          const history = await randomHistory(next)
          events += history.events.length
          const expected = new Map(INTERPRETATION_NAMES.map((name) => [name, fullFold(history.events, name)]))

          // 1. Authoring replicas: catch up on everything; compare, switch to a random interpretation, compare.
          for (const r of history.replicas) {
            await r.log.ingest(shuffle(next, history.events.filter((e) => !r.known.has(e.id))))
            const mine = r.log.interpretation
            expect(r.log.stateHash(), `${msg}: replica ${r.author} under ${mine}`).toBe(expected.get(mine))
            await r.log.interpret(pick(next, INTERPRETATION_NAMES))
            expect(r.log.stateHash(), `${msg}: replica ${r.author} switched to ${r.log.interpretation}`).toBe(expected.get(r.log.interpretation))
          }

          // 2. A fresh log per interpretation; one of them checked after every batch and reopened.
          const checked = pick(next, INTERPRETATION_NAMES)
          for (const name of INTERPRETATION_NAMES) {
            const store = new MemoryEventStore()
            const log = await deliver(store, name, randomDelivery(next, history.events), name === checked, msg)
            expect(log.stateHash(), `${msg}: ${name}, fresh log`).toBe(expected.get(name))
            if (name !== checked) continue
            expect((await TodoLog.open(store, name)).stateHash(), `${msg}: ${name} reopened`).toBe(expected.get(name))
            const other = pick(next, INTERPRETATION_NAMES.filter((n) => n !== name))
            expect((await TodoLog.open(store, other)).stateHash(), `${msg}: ${name} reopened as ${other}`).toBe(expected.get(other))
          }
        })
      }
      console.info(`interpretations property: ${CASES.length} cases, ${events} events authored`)
    },
    timeout(CASES.length, 100),
  )

  it(
    `over ${SQLITE_CASES.length} random histories delivered into SqliteEventStore (wa-sqlite in memory)`,
    async () => {
      for (const seed of SQLITE_CASES) {
        await runCase(seed, async (next, msg) => {
          const history = await randomHistory(next)
          const store = await openMemoryStore()
          try {
            // Incremental under one interpretation (each in turn across cases), checked per batch...
            const first = INTERPRETATION_NAMES[seed % INTERPRETATION_NAMES.length]!
            const log = await deliver(store, first, randomDelivery(next, history.events), true, `${msg} (SQLite)`)
            // ...then every interpretation rebuilt into SQLite and read back from it.
            for (const name of [...INTERPRETATION_NAMES.filter((n) => n !== first), first]) {
              const expected = fullFold(history.events, name)
              await log.interpret(name)
              expect(log.stateHash(), `${msg}: ${name} on SQLite`).toBe(expected)
              expect((await TodoLog.open(store, name)).stateHash(), `${msg}: ${name} read back from SQLite`).toBe(expected)
            }
          } finally {
            await store.close()
          }
        })
      }
    },
    timeout(SQLITE_CASES.length, 1000),
  )
})
