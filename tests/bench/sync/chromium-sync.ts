/**
 * The Chromium half of the sync suite: runs tests/bench/browser/sync-bench.html through
 * ../chromium.ts, adding --disable-features=WebRtcHideLocalIpsWithMdns: without it the
 * page's two RTCPeerConnections offer each other only mDNS ".local" host candidates,
 * which need a working mDNS responder to resolve; with it they use plain host addresses.
 */
import type { EventId } from '../../../shared/ids.ts'
import { WEBRTC_LOOPBACK_ARG } from '../../helpers/chromium.ts'
import type { ChromiumSyncResult, SyncBenchWindow } from '../browser/sync-bench-protocol.ts'
import { withBenchPage } from '../chromium.ts'
import type { SyncConfig } from './config.ts'

export async function runChromiumSync(
  config: SyncConfig,
  lastEventId: EventId,
  log: (text: string) => void,
): Promise<{ result: ChromiumSyncResult; browserVersion: string }> {
  const { value, browserVersion } = await withBenchPage(
    'sync-bench.html',
    log,
    (page) =>
      page.evaluate(([c, last]) => (window as unknown as SyncBenchWindow).runSyncBench(c, last), [config, lastEventId] as const),
    [WEBRTC_LOOPBACK_ARG],
  )
  return { result: value, browserVersion }
}
