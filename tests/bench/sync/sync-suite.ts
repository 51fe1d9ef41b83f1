/**
 * The `sync` suite (issue 4, "Benchmark"): what the sync protocol costs on the wire, and
 * how fast it fills a fresh peer over a real data channel.
 *
 *   Node      reconcile k = 1, 100, 1000 new events per side on n = 1k and 100k shared
 *             events (10 writers), peers that linked before / never linked: round trips
 *             and overhead bytes (node-reconcile.ts, counting-link.ts), beside the seed's
 *             whole-log exchange
 *   Chromium  catch-up of 100k events from an OPFS replica into a fresh OPFS replica over
 *             an RTCDataChannel, beside the raw channel throughput and the raw OPFS
 *             bulk-insert rate measured in the same page (browser/sync-bench-*.ts)
 *
 * Headline keys (the issue's): reconcile_rtt_k100_n100k and reconcile_overhead_bytes_
 * k100_n100k (mean over sessions, the worse of the two cases), catchup_events_per_s,
 * channel_bytes_per_s, opfs_insert_rows_per_s (one row per event: SqliteEventStore.commit
 * of precomputed events + todo states in batches of 5k into a fresh database), each the
 * mean of a sample before and one after the catch-up, and
 * catchup_fraction_of_limit = catch-up events/s ÷ min(channel bytes/s ÷ mean encoded
 * event bytes, OPFS insert events/s). `reconcile` keeps every grid cell and session.
 * If Chromium cannot run, its keys are null and the reason is in `chromium_error`.
 */
import { type BenchRow, type Suite, round, rowWithTarget } from '../suite.ts'
import { loadAverage, machineInfo } from '../machine.ts'
import type { ChromiumSyncResult } from '../browser/sync-bench-protocol.ts'
import { SYNC_CONFIG, SYNC_TARGETS } from './config.ts'
import { type ReconcileResult, describeHistory, runReconcile } from './node-reconcile.ts'
import { runChromiumSync } from './chromium-sync.ts'

export const syncSuite: Suite = {
  name: 'sync',
  description: 'sync protocol: reconcile round trips and overhead (node), 100k catch-up over a data channel into OPFS (chromium)',
  async run() {
    const config = SYNC_CONFIG
    const machine = machineInfo()
    const start = performance.now()
    const progress = (text: string) => console.error(`  ${((performance.now() - start) / 1000).toFixed(1).padStart(6)} s  ${text}`)

    const { results, histories } = await runReconcile(config, (t) => progress(`[node] ${t}`))
    const history = histories.find((h) => h.n === config.catchupEvents) ?? describeHistory(config.seed, config.catchupEvents)

    let chromium: ChromiumSyncResult | null = null
    let chromiumVersion: string | null = null
    let chromiumError: string | null = null
    try {
      const run = await runChromiumSync(config, history.lastEventId, progress)
      chromium = run.result
      chromiumVersion = run.browserVersion
      checkCatchup(chromium)
    } catch (err) {
      chromiumError = err instanceof Error ? err.message : String(err)
      progress(`chromium half failed: ${chromiumError}`)
    }

    const loadEnd = loadAverage()
    const json = {
      suite: 'sync',
      date: new Date().toISOString(),
      machine: { ...machine, load_avg_1m_end: loadEnd, chromium: chromiumVersion },
      config,
      targets: SYNC_TARGETS,
      ...headline(results, chromium, history.meanEventBytes),
      chromium_error: chromiumError,
      reconcile: results.map(({ samples, ...cell }) => ({ ...cell, samples })),
      chromium,
    }
    const summary =
      `node ${machine.node}, Chromium ${chromiumVersion ?? '—'}, ${machine.cpus} CPUs (${machine.cpu_model}), ` +
      `load avg ${machine.load_avg_1m_start} → ${loadEnd}${Math.max(machine.load_avg_1m_start, loadEnd) > machine.cpus ? ' (busy machine: rates are pessimistic)' : ''}`
    return { summary, rows: rows(json, results), json }
  },
}

/** The catch-up must have moved every event and left two identical replicas. */
function checkCatchup(c: ChromiumSyncResult): void {
  const { sender: s, receiver: r, events } = c.catchup
  const problems: string[] = []
  if (r.count !== events || s.count !== events) problems.push(`counts ${s.count} / ${r.count}, expected ${events}`)
  if (s.heads.join() !== r.heads.join()) problems.push('heads differ')
  if (s.stateHash !== r.stateHash) problems.push('state hashes differ')
  if (s.warnings.length + r.warnings.length > 0) problems.push(`warnings: ${[...s.warnings, ...r.warnings].slice(0, 5).join('; ')}`)
  if (problems.length > 0) throw new Error(`catch-up did not converge: ${problems.join(', ')}`)
}

const cell = (results: readonly ReconcileResult[], n: number, k: number) => results.filter((r) => r.n === n && r.k === k)

function headline(results: readonly ReconcileResult[], c: ChromiumSyncResult | null, meanEventBytes: number) {
  const key = cell(results, 100_000, 100)
  const worst = (pick: (r: ReconcileResult) => number) => (key.length === 0 ? null : round(Math.max(...key.map(pick))))
  const worse = key.length === 0 ? null : key.reduce((a, b) => (b.meanOverheadBytes > a.meanOverheadBytes ? b : a))
  // Each limit: the mean of its samples before and after the catch-up.
  const channelBytesPerS = c && (c.channelBefore.bytesPerS + c.channelAfter.bytesPerS) / 2
  const channelEventsPerS = c && channelBytesPerS! / meanEventBytes
  const opfsEventsPerS = c && (c.build.eventsPerS + c.insertAfter.eventsPerS) / 2
  const limit = c && Math.min(channelEventsPerS!, opfsEventsPerS!)
  return {
    reconcile_rtt_k100_n100k: worst((r) => r.meanRoundTrips),
    reconcile_overhead_bytes_k100_n100k: worst((r) => r.meanOverheadBytes),
    catchup_events_per_s: c && round(c.catchup.eventsPerS),
    channel_bytes_per_s: c && round(channelBytesPerS!),
    opfs_insert_rows_per_s: c && round(opfsEventsPerS!),
    catchup_fraction_of_limit: c && round(c.catchup.eventsPerS / limit!),

    reconcile_rtt_k100_n100k_by_case: Object.fromEntries(key.map((r) => [r.case, round(r.meanRoundTrips)])),
    reconcile_overhead_bytes_k100_n100k_by_case: Object.fromEntries(key.map((r) => [r.case, round(r.meanOverheadBytes)])),
    reconcile_overhead_k100_n100k_breakdown: worse && overheadBreakdown(worse),
    channel_events_per_s: c && round(channelEventsPerS!),
    catchup_limited_by: c && (channelEventsPerS! < opfsEventsPerS! ? 'channel' : 'opfs'),
    mean_event_bytes: round(meanEventBytes),
    catchup_ms: c && round(c.catchup.ms),
    catchup_first_events_frame_ms: c && round(c.catchup.firstEventsFrameMs),
    catchup_receiver_busy_ms: c && round(c.catchup.receiver.receiveBusyMs),
    catchup_receiver_commit_ms: c && round(c.catchup.receiver.storeMs.commit ?? 0),
    catchup_receiver_commits: c && (c.catchup.receiver.storeCalls.commit ?? 0),
    catchup_receiver_lamports_of_ms: c && round(c.catchup.receiver.storeMs.lamportsOf ?? 0),
    catchup_receiver_lamports_of_calls: c && (c.catchup.receiver.storeCalls.lamportsOf ?? 0),
    catchup_sender_events_after_ms: c && round(c.catchup.sender.storeMs.eventsAfter ?? 0),
    // A streamed catch-up reads pages (sync-engine.ts, "Streamed catch-up"): all of them, summed.
    catchup_sender_pages_ms: c && round(c.catchup.sender.storeMs.eventsAfterFrom ?? 0),
    catchup_sender_pages: c && (c.catchup.sender.storeCalls.eventsAfterFrom ?? 0),
    catchup_sender_longest_receive_ms: c && round(c.catchup.sender.longestReceiveMs),
    catchup_receiver_longest_receive_ms: c && round(c.catchup.receiver.longestReceiveMs),
    catchup_frames: c && c.catchup.framesToReceiver,
    catchup_bytes: c && c.catchup.bytesToReceiver,
    catchup_max_buffered_amount: c && c.catchup.maxBufferedAmount,
    catchup_receiver_max_pending_bytes: c && c.catchup.receiver.maxPendingBytes,
    catchup_sender_backlog_pauses: c && c.catchup.backlogPauses,
    channel_bytes_per_s_before_after: c && [round(c.channelBefore.bytesPerS), round(c.channelAfter.bytesPerS)],
    channel_setup_ms: c && round(c.channelBefore.setupMs),
    opfs_insert_rows_per_s_before_after: c && [round(c.build.eventsPerS), round(c.insertAfter.eventsPerS)],
  }
}

/** Where the worse case's overhead goes, first session: handshake, counts, framing of events frames. */
function overheadBreakdown(r: ReconcileResult): { case: string; bytes: Record<string, number> } {
  const s = r.samples[0]!
  const bytes: Record<string, number> = {}
  for (const [type, entry] of Object.entries(s.byType)) {
    if (type === 'events') bytes.events_framing = entry.bytes - s.payloadBytes
    else bytes[type] = entry.bytes
  }
  return { case: r.case, bytes }
}

const kb = (bytes: number) => (bytes >= 1e6 ? `${round(bytes / 1e6)} MB` : bytes >= 1e3 ? `${round(bytes / 1e3)} kB` : `${round(bytes)} B`)
const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n))

function rows(j: ReturnType<typeof headline> & { chromium_error: string | null }, results: readonly ReconcileResult[]): BenchRow[] {
  const t = SYNC_TARGETS
  const missing = j.chromium_error === null ? undefined : 'Chromium did not run'
  const opfs = (row: BenchRow): BenchRow => (row.value === null && missing ? { ...row, note: missing } : row)
  const grid: BenchRow[] = results.map((r) => ({
    measure: `  ${r.case}, n = ${size(r.n)}, k = ${r.k}: overhead`,
    value: round(r.meanOverheadBytes),
    unit: 'B',
    note: `${round(r.meanRoundTrips)} RT; ${kb(r.meanBytes)} in all = 1/${round(r.meanSeedBytes / r.meanBytes)} of whole-log ${kb(r.meanSeedBytes)}`,
  }))
  return [
    rowWithTarget('reconcile n = 100k, k = 100: round trips (worse case)', j.reconcile_rtt_k100_n100k, 'RT', t.reconcile_rtt_k100_n100k,
      `mean of sessions; by case ${JSON.stringify(j.reconcile_rtt_k100_n100k_by_case).replace(/"/g, '')}`),
    rowWithTarget('reconcile n = 100k, k = 100: overhead (worse case)', j.reconcile_overhead_bytes_k100_n100k, 'B', t.reconcile_overhead_bytes_k100_n100k,
      j.reconcile_overhead_k100_n100k_breakdown === null ? undefined
        : `${j.reconcile_overhead_k100_n100k_breakdown.case}: ${Object.entries(j.reconcile_overhead_k100_n100k_breakdown.bytes).map(([k, v]) => `${k} ${v}`).join(', ')} (both ways)`),
    ...grid,
    opfs({
      measure: 'catch-up 100k events into a fresh peer (chromium)',
      value: j.catchup_events_per_s,
      unit: 'events/s',
      note: j.catchup_ms === null ? undefined
        : `${j.catchup_ms} ms: first events frame leaves S at ${j.catchup_first_events_frame_ms} ms (reads: whole ${j.catchup_sender_events_after_ms} ms, ${j.catchup_sender_pages} pages ${j.catchup_sender_pages_ms} ms); ` +
          `R busy ${j.catchup_receiver_busy_ms} (commit ${j.catchup_receiver_commit_ms} in ${j.catchup_receiver_commits} tx, lamportsOf ${j.catchup_receiver_lamports_of_ms} in ${j.catchup_receiver_lamports_of_calls} calls)`,
    }),
    opfs({
      measure: '  most bytes R held received but not yet stored',
      value: j.catchup_receiver_max_pending_bytes,
      unit: 'B',
      note: 'bounded by the ack window (two pages unacked)',
    }),
    opfs({
      measure: '  most bytes the channel buffered at S',
      value: j.catchup_max_buffered_amount,
      unit: 'B',
      note: j.catchup_sender_backlog_pauses === null ? undefined
        : `S's stream paused ${j.catchup_sender_backlog_pauses} times (its send queue over 4 MiB)`,
    }),
    opfs({
      measure: '  raw data channel, 64 KiB messages',
      value: j.channel_bytes_per_s,
      unit: 'B/s',
      note: j.channel_events_per_s === null ? undefined
        : `= ${j.channel_events_per_s.toLocaleString('en-US')} events/s at ${j.mean_event_bytes} B/event; mean of before/after ${j.channel_bytes_per_s_before_after!.map((v) => v.toLocaleString('en-US')).join(' / ')}`,
    }),
    opfs({
      measure: '  raw OPFS insert, commit in 5k batches',
      value: j.opfs_insert_rows_per_s,
      unit: 'events/s',
      note: j.opfs_insert_rows_per_s_before_after === null ? undefined
        : `mean of before/after ${j.opfs_insert_rows_per_s_before_after.join(' / ')} (100k events, fresh db each)`,
    }),
    opfs(rowWithTarget('  catch-up ÷ min(channel, OPFS)', j.catchup_fraction_of_limit, '', t.catchup_fraction_of_limit,
      j.catchup_limited_by === null ? undefined : `the smaller limit is ${j.catchup_limited_by}`)),
  ]
}
