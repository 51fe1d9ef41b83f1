/**
 * Runs a bench page in headless Chromium: serves tests/bench/browser/ with Vite's dev
 * server (an inline config, not vite.config.ts) and drives Debian's Chromium with
 * Playwright. No browser download: CHROMIUM_PATH or /usr/bin/chromium.
 *
 *   Node ── createServer(root: tests/bench/browser) ── http://127.0.0.1:<port>/<page>.html
 *     └─ chromium.launchPersistentContext(temp profile) ── page ── window.<entry>(…)
 *                                                          └─ workers on OPFS
 *
 * Dependency discovery is off: a late "new dependencies optimized" reload would kill a
 * run midway, and the bench imports only ESM packages (wa-sqlite is excluded anyway, so
 * its .wasm resolves next to its loader, as in vite.config.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright'
import { createServer } from 'vite'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.ts'

const BENCH_ROOT = fileURLToPath(new URL('./browser/', import.meta.url))
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * Opens `pageFile` (relative to tests/bench/browser/) and runs `drive` on it; the page's
 * console output goes to `log`. Resolves with `drive`'s result and the browser version.
 * `extraArgs` are added to the shared Chromium flags (the sync suite adds
 * WEBRTC_LOOPBACK_ARG for its data channel).
 */
export async function withBenchPage<T>(
  pageFile: string,
  log: (line: string) => void,
  drive: (page: Page) => Promise<T>,
  extraArgs: readonly string[] = [],
): Promise<{ value: T; browserVersion: string }> {
  const server = await createServer({
    configFile: false,
    root: BENCH_ROOT,
    logLevel: 'warn',
    clearScreen: false,
    publicDir: false,
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, fs: { allow: [PROJECT_ROOT] } },
    worker: { format: 'es' },
    optimizeDeps: { noDiscovery: true, include: [], exclude: ['@journeyapps/wa-sqlite'] },
  })
  try {
    await server.listen()
    const url = server.resolvedUrls?.local[0]
    if (!url) throw new Error('the bench server has no local URL')
    // A persistent profile, not Playwright's default throwaway context: that one is
    // off-the-record, whose OPFS lives in memory behind IPC and is several times slower
    // than the on-disk OPFS a user's tab gets.
    const profile = await mkdtemp(join(tmpdir(), 'peerlog-bench-'))
    try {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        args: [...CHROMIUM_ARGS, ...extraArgs],
        headless: true,
      })
      try {
        const page = context.pages()[0] ?? (await context.newPage())
        page.on('console', (m) => {
          if (!m.text().startsWith('[vite]')) log(m.text())
        })
        page.on('pageerror', (err) => log(`page error: ${err.message}`))
        await page.goto(new URL(pageFile, url).href)
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
        // navigator.userAgent says "150.0.0.0" (UA reduction); the DevTools protocol knows.
        const { product } = await (await context.newCDPSession(page)).send('Browser.getVersion')
        const browserVersion = product.replace(/^[^/]*\//, '')
        return { value: await drive(page), browserVersion }
      } finally {
        await context.close()
      }
    } finally {
      await rm(profile, { recursive: true, force: true })
    }
  } finally {
    await server.close()
  }
}
