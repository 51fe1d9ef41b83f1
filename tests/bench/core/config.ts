/** Sizes, repetitions and targets of the core suite, shared by its Node and Chromium halves. */

export interface CoreConfig {
  /** Seed of the benchmark history (tests/bench/history.ts). */
  seed: number
  smallEvents: number
  largeEvents: number
  /** Counted apply repetitions, after `applyWarmup` uncounted ones. */
  applyReps: number
  applyWarmup: number
  codecPasses: number
  /** Timed interpretation switches (full rebuilds), each side.*/
  rebuildSwitches: number
  coldStartReps: number
}

export const CORE_CONFIG: CoreConfig = {
  seed: 20261124,
  smallEvents: 1_000,
  largeEvents: 100_000,
  applyReps: 15,
  applyWarmup: 3,
  codecPasses: 3,
  rebuildSwitches: 2,
  coldStartReps: 5,
}

/** The targets issue 3 sets. */
export const CORE_TARGETS = {
  apply100_ratio_100k_vs_1k: { max: 1.5 },
  encode_hash_validate_events_per_s: { min: 200_000 },
  cold_start_100k_ms: { max: 300 },
  bytes_per_event: { max: 200 },
} as const
