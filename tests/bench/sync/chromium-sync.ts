/**
 * The Chromium half of the sync suite: runs tests/bench/browser/sync-bench.html.
 *
 * Same setup as ../chromium.ts (Vite dev server on tests/bench/browser/, Debian Chromium
 * via Playwright, a persistent temp profile so OPFS is on disk) plus one flag that
 * launcher does not pass: --disable-features=WebRtcHideLocalIpsWithMdns. Without it the
 * page's two RTCPeerConnections offer each other only mDNS ".local" host candidates,
 * which need a working mDNS responder to resolve; with it they use plain host addresses.
 * (If ../chromium.ts grows an `extraArgs` option, this file can shrink to its call.)
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright'
import { createServer } from 'vite'
import type { EventId } from '../../../shared/ids.ts'
import { CHROMIUM_ARGS as BASE_CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_LOOPBACK_ARG } from '../../helpers/chromium.ts'
import type { ChromiumSyncResult, SyncBenchWindow } from '../browser/sync-bench-protocol.ts'
import type { SyncConfig } from './config.ts'

const BENCH_ROOT = fileURLToPath(new URL('../browser/', import.meta.url))
const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

const CHROMIUM_ARGS = [...BASE_CHROMIUM_ARGS, WEBRTC_LOOPBACK_ARG]

export async function runChromiumSync(
  config: SyncConfig,
  lastEventId: EventId,
  log: (text: string) => void,
): Promise<{ result: ChromiumSyncResult; browserVersion: string }> {
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
    const profile = await mkdtemp(join(tmpdir(), 'peerlog-bench-sync-'))
    try {
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        headless: true,
      })
      try {
        const page = context.pages()[0] ?? (await context.newPage())
        page.on('console', (m) => {
          if (!m.text().startsWith('[vite]')) log(m.text())
        })
        page.on('pageerror', (err) => log(`page error: ${err.message}`))
        await page.goto(new URL('sync-bench.html', url).href)
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 })
        const { product } = await (await context.newCDPSession(page)).send('Browser.getVersion')
        const result = await page.evaluate(
          ([c, last]) => (window as unknown as SyncBenchWindow).runSyncBench(c, last),
          [config, lastEventId] as const,
        )
        return { result, browserVersion: product.replace(/^[^/]*\//, '') }
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
