/**
 * The Chromium half of the core suite, in a dedicated worker (OPFS sync access handles
 * exist only there), on the app's own OPFS store (client/worker/open-sqlite.ts).
 *
 * `run`: generate the seeded history, codec throughput, build the 100k-event log (chunked
 * commits, see buildLog), close it, measure the file, time cold starts, ingest
 * throughput, then apply batches (1k logs are fresh files) and one rebuild; the database is left closed
 * for the fresh-worker cold starts. `cold-start`: one timed cold start in this (new)
 * worker, as a tab's log worker does it. `cleanup`: delete the database.
 */
import type { EventStore } from '../../../shared/event-store.ts'
import { RoomMetaView } from '../../../shared/room-meta.ts'
import { TodoLog } from '../../../shared/todo-log.ts'
import {
  OPFS_DATABASE_DIRECTORY,
  deleteOpfsDatabase,
  openOpfsStore,
} from '../../../client/worker/open-sqlite.ts'
import { logSnapshot } from '../../../client/worker/snapshot.ts'
import { HistoryGenerator } from '../history.ts'
import type { CoreConfig } from '../core/config.ts'
import { buildLog, measureApply, measureCodec, measureIngest, measureRebuild } from '../core/log-measures.ts'
import type { ChromiumCoreResult, ColdStart, FromBenchWorker, ToBenchWorker } from './core-bench-protocol.ts'

const post = (message: FromBenchWorker) => postMessage(message)
const progress = (text: string) => post({ type: 'progress', text })

async function run(config: CoreConfig, file: string): Promise<ChromiumCoreResult> {
  progress(`generating a ${config.largeEvents}-event history`)
  const gen = new HistoryGenerator(config.seed)
  const base = gen.base(config.largeEvents)
  const batches = Array.from({ length: config.applyWarmup + config.applyReps }, () => gen.applyBatch())
  const smallGen = new HistoryGenerator(config.seed)
  const smallBase = smallGen.base(config.smallEvents)
  const smallBatch = smallGen.applyBatch()

  progress('codec: encode + hash + validate')
  const codec = measureCodec(base, 1, true)

  progress(`building the ${config.largeEvents}-event log on OPFS`)
  await deleteOpfsDatabase(file)
  const store = await openOpfsStore(file)
  const build = await buildLog(store, base)
  await store.close()
  const dbBytes = (await fileSize(file)) ?? 0
  const journalBytes = await fileSize(`${file}-journal`)

  progress('cold starts')
  const coldStarts: ColdStart[] = []
  for (let i = 0; i < config.coldStartReps; i++) coldStarts.push(await coldStart(file))

  let smallFiles = 0
  const freshStore = async () => {
    const name = `bench-small-${smallFiles++}.db`
    await deleteOpfsDatabase(name)
    const s = await openOpfsStore(name)
    return {
      store: s,
      dispose: async () => {
        await s.close()
        await deleteOpfsDatabase(name)
      },
    }
  }
  progress(`TodoLog.ingest of ${smallBase.length} events into an empty log`)
  const ingestTarget = await freshStore()
  const ingestEventsPerS = await measureIngest(ingestTarget.store, smallBase)
  await ingestTarget.dispose()

  progress('apply 100 events: 1k vs 100k')
  const large = await openOpfsStore(file)
  const largeLog = await TodoLog.open(large)
  const apply = await measureApply({
    freshStore,
    smallBase,
    smallBatch,
    large: largeLog,
    largeBatches: batches,
    warmup: config.applyWarmup,
  })

  progress('full rebuild')
  const rebuild = await measureRebuild(largeLog, config.rebuildSwitches, true)
  await large.close()
  return {
    userAgent: navigator.userAgent,
    codec,
    commitEventsPerS: base.length / (build.commitMs / 1000),
    ingestEventsPerS,
    events: base.length,
    dbBytes,
    journalBytes,
    coldStarts,
    freshWorkerColdStarts: [],
    apply,
    rebuild,
  }
}

/**
 * One cold start as a tab's log worker does it (log-worker.ts, `open`): open the
 * database, TodoLog.open (reads the materialized view, no replay), build the first
 * snapshot — the UI renders the list from it. Then, untimed for the headline, the state
 * hash that the next snapshot adds. Closes the database.
 */
async function coldStart(file: string): Promise<ColdStart> {
  const t0 = performance.now()
  const store: EventStore = await openOpfsStore(file)
  const t1 = performance.now()
  const log = await TodoLog.open(store)
  const meta = await RoomMetaView.open(store) // the room's names, as the worker reads them
  const t2 = performance.now()
  const first = await logSnapshot(log, meta.meta, false)
  const t3 = performance.now()
  log.stateHash()
  const t4 = performance.now()
  const todoStates = log.states().length
  await store.close()
  return {
    openMs: t1 - t0,
    logOpenMs: t2 - t1,
    firstSnapshotMs: t3 - t2,
    totalMs: t3 - t0,
    stateHashMs: t4 - t3,
    visibleTodos: Array.isArray(first.todos) ? first.todos.length : Number.NaN, // a first snapshot is full
    eventCount: first.eventCount,
    todoStates,
  }
}

/** Bytes of a file in the database directory, or null when it does not exist. */
async function fileSize(name: string): Promise<number | null> {
  const root = await navigator.storage.getDirectory()
  const dir = await root.getDirectoryHandle(OPFS_DATABASE_DIRECTORY)
  try {
    return (await (await dir.getFileHandle(name)).getFile()).size
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotFoundError') return null
    throw err
  }
}

async function handle(message: ToBenchWorker): Promise<unknown> {
  switch (message.type) {
    case 'run':
      return run(message.config, message.file)
    case 'cold-start':
      return coldStart(message.file)
    case 'cleanup':
      return deleteOpfsDatabase(message.file)
  }
}

addEventListener('message', (event: MessageEvent<ToBenchWorker>) => {
  handle(event.data).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => post({ type: 'failed', message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err) }),
  )
})
