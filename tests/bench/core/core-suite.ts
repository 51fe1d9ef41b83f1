/**
 * The `core` suite (issue 3, "Benchmark"): the event-log core under Node and in Chromium.
 *
 *   Node      codec (encode + hash + validate), apply 100 events to 1k / 100k logs and
 *             full rebuild — SqliteEventStore on in-memory wa-sqlite
 *   Chromium  the same apply and rebuild on OPFS, cold start of a 100k-event log to the
 *             worker's first snapshot, bytes per event on disk — in dedicated workers
 *
 * Headline keys (the issue's): apply100_ratio_100k_vs_1k (Node), encode_hash_validate_
 * events_per_s (Node), cold_start_100k_ms (Chromium, OPFS: a fresh worker, as a new tab
 * gets, from opening the database to the first snapshot the UI renders; log-worker.ts
 * does the same), bytes_per_event (OPFS main database file / events). `opfs_*` keys are the
 * Chromium counterparts and extras; `samples` keeps every repetition.
 * If Chromium cannot run, its keys are null and the reason is in `chromium_error`.
 */
import { type BenchRow, type Suite, median, round, rowWithTarget } from '../suite.ts'
import { loadAverage, machineInfo } from '../machine.ts'
import type { ChromiumCoreResult, ColdStart } from '../browser/core-bench-protocol.ts'
import { CORE_CONFIG, CORE_TARGETS } from './config.ts'
import { type NodeCoreResult, runNodeCore } from './node-core.ts'
import { runChromiumCore } from './chromium-core.ts'

export const coreSuite: Suite = {
  name: 'core',
  description: 'event-log core: codec, apply 100 to 1k/100k logs, rebuild, cold start and bytes/event on OPFS',
  async run() {
    const config = CORE_CONFIG
    const machine = machineInfo()
    const start = performance.now()
    const progress = (text: string) => console.error(`  ${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s  ${text}`)

    const node = await runNodeCore(config, (t) => progress(`[node] ${t}`))
    let chromium: ChromiumCoreResult | null = null
    let chromiumVersion: string | null = null
    let chromiumError: string | null = null
    try {
      const run = await runChromiumCore(config, progress)
      chromium = run.result
      chromiumVersion = run.browserVersion
    } catch (err) {
      chromiumError = err instanceof Error ? err.message : String(err)
      progress(`chromium half failed: ${chromiumError}`)
    }

    const loadEnd = loadAverage()
    const json = {
      suite: 'core',
      date: new Date().toISOString(),
      machine: { ...machine, load_avg_1m_end: loadEnd, chromium: chromiumVersion },
      config,
      targets: CORE_TARGETS,
      ...headline(node, chromium),
      chromium_error: chromiumError,
      samples: { node, chromium },
    }
    const summary =
      `node ${machine.node}, Chromium ${chromiumVersion ?? '—'}, ${machine.cpus} CPUs (${machine.cpu_model}), ` +
      `load avg ${machine.load_avg_1m_start} → ${loadEnd}${Math.max(machine.load_avg_1m_start, loadEnd) > machine.cpus ? ' (busy machine: numbers are pessimistic)' : ''}`
    return { summary, rows: rows(json), json }
  },
}

const coldMedian = (runs: readonly ColdStart[], pick: (c: ColdStart) => number): number | null =>
  runs.length === 0 ? null : round(median(runs.map(pick)))

/** The flat keys of core.json. */
function headline(node: NodeCoreResult, chromium: ChromiumCoreResult | null) {
  const c = chromium
  return {
    apply100_ratio_100k_vs_1k: round(node.apply.ratio),
    encode_hash_validate_events_per_s: round(median(node.codec.fullPathEventsPerS)),
    cold_start_100k_ms: c && coldMedian(c.freshWorkerColdStarts, (s) => s.totalMs),
    bytes_per_event: c && round(c.dbBytes / c.events),

    apply100_1k_ms: round(node.apply.smallMedianMs),
    apply100_100k_ms: round(node.apply.largeMedianMs),
    encode_hash_validate_cpu_events_per_s: node.codec.fullPathCpuEventsPerS.length === 0 ? null : round(median(node.codec.fullPathCpuEventsPerS)),
    decode_validate_events_per_s: round(median(node.codec.decodeEventsPerS)),
    seal_events_per_s: round(median(node.codec.sealEventsPerS)),
    rebuild_events_per_s: round(node.rebuild.eventsPerS),
    rebuild_100k_ms: round(median(node.rebuild.rebuildMs)),
    rebuild_read_ms: node.rebuild.readMs === null ? null : round(node.rebuild.readMs),
    rebuild_fold_ms: node.rebuild.foldMs === null ? null : round(node.rebuild.foldMs),
    rebuild_write_ms: node.rebuild.writeMs === null ? null : round(node.rebuild.writeMs),
    ingest_events_per_s: round(node.ingestEventsPerS),
    commit_events_per_s: round(node.commitEventsPerS),

    opfs_apply100_1k_ms: c && round(c.apply.smallMedianMs),
    opfs_apply100_100k_ms: c && round(c.apply.largeMedianMs),
    opfs_apply100_ratio_100k_vs_1k: c && round(c.apply.ratio),
    opfs_rebuild_events_per_s: c && round(c.rebuild.eventsPerS),
    opfs_rebuild_100k_ms: c && round(median(c.rebuild.rebuildMs)),
    opfs_rebuild_read_ms: c?.rebuild.readMs == null ? null : round(c.rebuild.readMs),
    opfs_rebuild_fold_ms: c?.rebuild.foldMs == null ? null : round(c.rebuild.foldMs),
    opfs_rebuild_write_ms: c?.rebuild.writeMs == null ? null : round(c.rebuild.writeMs),
    opfs_cold_start_open_ms: c && coldMedian(c.freshWorkerColdStarts, (s) => s.openMs),
    opfs_cold_start_log_open_ms: c && coldMedian(c.freshWorkerColdStarts, (s) => s.logOpenMs),
    opfs_cold_start_first_snapshot_ms: c && coldMedian(c.freshWorkerColdStarts, (s) => s.firstSnapshotMs),
    opfs_cold_start_same_worker_ms: c && coldMedian(c.coldStarts, (s) => s.totalMs),
    opfs_state_hash_ms: c && coldMedian(c.freshWorkerColdStarts, (s) => s.stateHashMs),
    opfs_visible_todos: c?.freshWorkerColdStarts[0]?.visibleTodos ?? null,
    opfs_todo_states: c?.freshWorkerColdStarts[0]?.todoStates ?? null,
    opfs_events: c && c.events,
    opfs_db_bytes: c && c.dbBytes,
    opfs_journal_bytes: c && c.journalBytes,
    opfs_ingest_events_per_s: c && round(c.ingestEventsPerS),
    opfs_commit_events_per_s: c && round(c.commitEventsPerS),
    opfs_encode_hash_validate_events_per_s: c && round(median(c.codec.fullPathEventsPerS)),
  }
}

function rows(j: ReturnType<typeof headline> & { chromium_error: string | null }): BenchRow[] {
  const t = CORE_TARGETS
  const missing = j.chromium_error === null ? undefined : 'Chromium did not run'
  const opfs = (row: BenchRow): BenchRow => (row.value === null && missing ? { ...row, note: missing } : row)
  return [
    { measure: 'apply 100 events to a 1k log (node, wa-sqlite mem)', value: j.apply100_1k_ms, unit: 'ms' },
    { measure: 'apply 100 events to a 100k log (node)', value: j.apply100_100k_ms, unit: 'ms' },
    rowWithTarget('  ratio 100k / 1k (node)', j.apply100_ratio_100k_vs_1k, '', t.apply100_ratio_100k_vs_1k),
    opfs({ measure: 'apply 100 events to a 1k log (chromium, OPFS)', value: j.opfs_apply100_1k_ms, unit: 'ms' }),
    opfs({ measure: 'apply 100 events to a 100k log (chromium, OPFS)', value: j.opfs_apply100_100k_ms, unit: 'ms' }),
    opfs(rowWithTarget('  ratio 100k / 1k (OPFS)', j.opfs_apply100_ratio_100k_vs_1k, '', t.apply100_ratio_100k_vs_1k)),
    rowWithTarget('encode + hash + validate (node)', j.encode_hash_validate_events_per_s, 'events/s', t.encode_hash_validate_events_per_s),
    {
      measure: '  same, per second of this process’s CPU time',
      value: j.encode_hash_validate_cpu_events_per_s,
      unit: 'events/s',
      note: 'what the code costs, whatever else the machine runs',
    },
    { measure: '  decode + validate only (node)', value: j.decode_validate_events_per_s, unit: 'events/s' },
    { measure: '  encode + hash only, sealEvent (node)', value: j.seal_events_per_s, unit: 'events/s' },
    opfs({ measure: '  encode + hash + validate (chromium worker)', value: j.opfs_encode_hash_validate_events_per_s, unit: 'events/s' }),
    {
      measure: 'full rebuild of 100k events (node)',
      value: j.rebuild_events_per_s,
      unit: 'events/s',
      note: `${j.rebuild_100k_ms} ms: read ${j.rebuild_read_ms}, fold ${j.rebuild_fold_ms}, write ${j.rebuild_write_ms}`,
    },
    opfs({
      measure: 'full rebuild of 100k events (chromium, OPFS)',
      value: j.opfs_rebuild_events_per_s,
      unit: 'events/s',
      note: `${j.opfs_rebuild_100k_ms} ms: read ${j.opfs_rebuild_read_ms}, fold ${j.opfs_rebuild_fold_ms}, write ${j.opfs_rebuild_write_ms}`,
    }),
    opfs(
      rowWithTarget('cold start 100k → first snapshot, fresh worker (OPFS)', j.cold_start_100k_ms, 'ms', t.cold_start_100k_ms,
        j.cold_start_100k_ms === null ? undefined
          : `open ${j.opfs_cold_start_open_ms} (+ wasm), TodoLog.open ${j.opfs_cold_start_log_open_ms}, snapshot ${j.opfs_cold_start_first_snapshot_ms}; ${j.opfs_visible_todos} of ${j.opfs_todo_states} todos`),
    ),
    opfs(rowWithTarget('  same, in the worker that built it (wasm loaded)', j.opfs_cold_start_same_worker_ms, 'ms', t.cold_start_100k_ms)),
    opfs({ measure: '  then the state hash (in the next snapshot)', value: j.opfs_state_hash_ms, unit: 'ms' }),
    opfs(
      rowWithTarget('SQLite bytes per event (OPFS)', j.bytes_per_event, 'B', t.bytes_per_event,
        j.opfs_db_bytes === null ? undefined : `${j.opfs_db_bytes} B main file, journal ${j.opfs_journal_bytes ?? 'none'}`),
    ),
    { measure: 'TodoLog.ingest 1k events into an empty log (node)', value: j.ingest_events_per_s, unit: 'events/s' },
    opfs({ measure: 'TodoLog.ingest 1k events into an empty log (OPFS)', value: j.opfs_ingest_events_per_s, unit: 'events/s' }),
    { measure: 'store.commit 100k in 5k chunks (node)', value: j.commit_events_per_s, unit: 'events/s' },
    opfs({ measure: 'store.commit 100k in 5k chunks (OPFS)', value: j.opfs_commit_events_per_s, unit: 'events/s' }),
  ]
}
