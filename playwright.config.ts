/**
 * End-to-end tests: real Debian Chromium, real `npm start` server on 127.0.0.1.
 * The client is built by `npm run test:e2e` before Playwright starts the server.
 */
import { defineConfig } from '@playwright/test'

const PORT = Number(process.env.E2E_PORT ?? 8791)

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  // One retry on CI, reported as "flaky" in the output: on a loaded 2-core machine a few
  // multi-browser tests still fail about once per full run (see the session's closing
  // note); each flake is an open defect to fix, not a pass.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // ICE host candidates as plain IPs: deterministic on loopback, no STUN needed.
        '--disable-features=WebRtcHideLocalIpsWithMdns',
      ],
    },
  },
  webServer: {
    command: 'npx tsx signaling/main.ts',
    url: `http://127.0.0.1:${PORT}/`,
    env: { PORT: String(PORT), HOST: '127.0.0.1' },
    reuseExistingServer: false,
    timeout: 30_000,
  },
})
