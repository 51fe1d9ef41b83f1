/**
 * Vitest in headless Chromium: the EventStore contract on real OPFS
 * (tests/contract/*.browser.test.ts) and what needs a real data channel
 * (tests/integration/*.browser.test.ts). `npm run test:browser`.
 *
 * Uses the system's Debian Chromium (no browser downloads here). wa-sqlite is kept out
 * of dependency pre-bundling, as in vite.config.ts, so its .wasm resolves.
 */
import { defineConfig } from 'vitest/config'
import { playwright } from '@vitest/browser-playwright'
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_LOOPBACK_ARG } from './tests/helpers/chromium.ts'

export default defineConfig({
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@journeyapps/wa-sqlite'] },
  test: {
    include: ['tests/contract/**/*.browser.test.ts', 'tests/integration/**/*.browser.test.ts'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [...CHROMIUM_ARGS, WEBRTC_LOOPBACK_ARG],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
})
