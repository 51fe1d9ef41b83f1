/**
 * What a benchmark suite is, and the small helpers every suite shares: timing, medians,
 * the printed table. Pure (no node:*): the browser worker uses the timing helpers too.
 *
 * A suite measures and reports; it never passes or fails. Each row shows a measure
 * beside its target (if the issue sets one) so a reader sees at a glance where we stand.
 */

/** One line of a suite's table. `value` null means "not measured" (say why in `note`). */
export interface BenchRow {
  measure: string
  value: number | null
  unit: string
  /** The target as written in the issue, e.g. "≤ 1.5". */
  target?: string
  /** Whether `value` meets the target; omitted when there is no target or no value. */
  meets?: boolean
  note?: string
}

export interface SuiteResult {
  /** One line printed above the table: what it ran on. */
  summary: string
  rows: BenchRow[]
  /** Written to bench-results/<suite>.json as is. */
  json: Record<string, unknown>
}

export interface Suite {
  name: string
  description: string
  run(): Promise<SuiteResult>
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing')
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Milliseconds `fn` took, and what it returned. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await fn()
  return { ms: performance.now() - start, value }
}

/** Rounds for display and JSON: 3 significant digits below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value
  if (Math.abs(value) >= 100) return Math.round(value)
  return Number(value.toPrecision(3))
}

/** `value` against an upper or lower bound, as a row. */
export function rowWithTarget(
  measure: string,
  value: number | null,
  unit: string,
  bound: { max: number } | { min: number },
  note?: string,
): BenchRow {
  const target = 'max' in bound ? `≤ ${bound.max}` : `≥ ${bound.min}`
  const row: BenchRow = { measure, value, unit, target }
  if (value !== null) row.meets = 'max' in bound ? value <= bound.max : value >= bound.min
  if (note !== undefined) row.note = note
  return row
}

/** The rows as a fixed-width text table. */
export function formatTable(title: string, rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [
    r.measure,
    r.value === null ? '—' : `${formatNumber(r.value)} ${r.unit}`.trim(),
    r.target === undefined ? '' : `${r.target} ${r.unit}`.trim(),
    r.meets === undefined ? '' : r.meets ? 'meets' : 'MISSES',
    r.note ?? '',
  ])
  const header = ['measure', 'value', 'target', '', 'note']
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) =>
    c.map((x, i) => (i === 1 || i === 2 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!))).join('  ').trimEnd()
  return [title, line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n')
}

function formatNumber(value: number): string {
  const r = round(value)
  return Math.abs(r) >= 10_000 ? r.toLocaleString('en-US') : String(r)
}
