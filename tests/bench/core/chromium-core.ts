/** The Chromium half of the core suite: runs tests/bench/browser/core-bench.html. */
import { withBenchPage } from '../chromium.ts'
import type { ChromiumCoreResult, CoreBenchWindow } from '../browser/core-bench-protocol.ts'
import type { CoreConfig } from './config.ts'

export async function runChromiumCore(
  config: CoreConfig,
  progress: (text: string) => void,
): Promise<{ result: ChromiumCoreResult; browserVersion: string }> {
  const { value, browserVersion } = await withBenchPage('core-bench.html', progress, (page) =>
    page.evaluate((c) => (window as unknown as CoreBenchWindow).runCoreBench(c), config),
  )
  return { result: value, browserVersion }
}
