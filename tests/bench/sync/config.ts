/** Sizes, repetitions and targets of the sync suite, shared by its Node and Chromium halves. */

export interface SyncConfig {
  /** Seed of the shared histories (sync-history.ts) and of the sides' offline edits. */
  seed: number
  /** Shared events (n) and new events per side (k) of the reconcile grid. */
  reconcileSizes: number[]
  reconcileNew: number[]
  /** Sessions per (case, n, k), each on freshly built logs with different offline edits. */
  reconcileReps: number
  /** "Linked before": how many of the newest shared events B got over its earlier link to A. */
  priorLinkEvents: number
  /** Events the Chromium catch-up moves into a fresh peer. */
  catchupEvents: number
  /** Raw data-channel run: message size and total bytes. */
  channelMessageBytes: number
  channelTotalBytes: number
}

export const SYNC_CONFIG: SyncConfig = {
  seed: 20261125,
  reconcileSizes: [1_000, 100_000],
  reconcileNew: [1, 100, 1_000],
  reconcileReps: 3,
  priorLinkEvents: 1_000,
  catchupEvents: 100_000,
  channelMessageBytes: 64 * 1024,
  channelTotalBytes: 32 * 1024 * 1024,
}

/** The targets issue 4 sets. 1 KB is read as 1000 bytes. */
export const SYNC_TARGETS = {
  reconcile_rtt_k100_n100k: { max: 1.1 },
  reconcile_overhead_bytes_k100_n100k: { max: 1000 },
  catchup_fraction_of_limit: { min: 0.5 },
} as const
