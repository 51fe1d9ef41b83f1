/**
 * The Node half of the core suite: codec throughput, and apply/rebuild on
 * SqliteEventStore over in-memory wa-sqlite (tests/helpers/open-memory-sqlite.ts).
 */
import { HistoryGenerator } from '../history.ts'
import { openMemoryStore } from '../../helpers/open-memory-sqlite.ts'
import type { CoreConfig } from './config.ts'
import {
  type ApplyResult,
  type CodecResult,
  type RebuildResult,
  buildLog,
  measureApply,
  measureCodec,
  measureIngest,
  measureRebuild,
} from './log-measures.ts'

export interface NodeCoreResult {
  codec: CodecResult
  /** store.commit of the large history in chunks of 5k (with precomputed states), events/s. */
  commitEventsPerS: number
  /** TodoLog.ingest of the small history into an empty log in one call, events/s. */
  ingestEventsPerS: number
  apply: ApplyResult
  rebuild: RebuildResult
}

/** This process's CPU time in ms (all its threads: V8's GC and compiler helpers count too). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

export async function runNodeCore(config: CoreConfig, progress: (text: string) => void): Promise<NodeCoreResult> {
  progress(`generating a ${config.largeEvents}-event history`)
  const gen = new HistoryGenerator(config.seed)
  const base = gen.base(config.largeEvents)
  const batches = Array.from({ length: config.applyWarmup + config.applyReps }, () => gen.applyBatch())
  const smallGen = new HistoryGenerator(config.seed)
  const smallBase = smallGen.base(config.smallEvents)
  const smallBatch = smallGen.applyBatch()

  progress('codec: encode + hash + validate')
  const codec = measureCodec(base, config.codecPasses, false, cpuMs)

  progress(`building the ${config.largeEvents}-event log (wa-sqlite in memory)`)
  const store = await openMemoryStore()
  const build = await buildLog(store, base)
  const ingestStore = await openMemoryStore()
  const ingestEventsPerS = await measureIngest(ingestStore, smallBase)
  await ingestStore.close()

  progress('apply 100 events: 1k vs 100k')
  const apply = await measureApply({
    freshStore: async () => {
      const s = await openMemoryStore()
      return { store: s, dispose: () => s.close() }
    },
    smallBase,
    smallBatch,
    large: build.log,
    largeBatches: batches,
    warmup: config.applyWarmup,
  })

  progress('full rebuild')
  const rebuild = await measureRebuild(build.log, config.rebuildSwitches, true)
  await store.close()
  return { codec, commitEventsPerS: base.length / (build.commitMs / 1000), ingestEventsPerS, apply, rebuild }
}
