/**
 * `npm run bench [-- <suite>…]`: runs the named suites (all when none is named), prints
 * each one's table and writes bench-results/<suite>.json. A benchmark, not a test: it
 * exits non-zero only when a suite cannot run, never because a target is missed.
 *
 * Adding a suite: export a `Suite` (suite.ts) and add one line to SUITES. Suites load
 * lazily, so running one does not import the others.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { type Suite, formatTable } from './suite.ts'

const SUITES: Record<string, () => Promise<Suite>> = {
  core: async () => (await import('./core/core-suite.ts')).coreSuite,
  sync: async () => (await import('./sync/sync-suite.ts')).syncSuite,
  ui: async () => (await import('./ui/ui-suite.ts')).uiSuite,
}

const RESULTS_DIR = fileURLToPath(new URL('../../bench-results/', import.meta.url))

async function main(args: string[]): Promise<number> {
  const names = args.length > 0 ? args : Object.keys(SUITES)
  const unknown = names.filter((n) => !(n in SUITES))
  if (unknown.length > 0) {
    console.error(`unknown suite ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`)
    return 2
  }
  await mkdir(RESULTS_DIR, { recursive: true })
  for (const name of names) {
    const suite = await SUITES[name]!()
    console.error(`── ${suite.name}: ${suite.description}`)
    const start = performance.now()
    const { summary, rows, json } = await suite.run()
    const seconds = Math.round((performance.now() - start) / 100) / 10
    const file = `${RESULTS_DIR}${suite.name}.json`
    await writeFile(file, `${JSON.stringify({ ...json, runtime_s: seconds }, null, 2)}\n`)
    console.log(`\n${formatTable(`${suite.name} (${seconds} s) — ${summary}`, rows)}\n`)
    console.error(`wrote ${file}`)
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
