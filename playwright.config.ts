/**
 * End-to-end tests: real Debian Chromium, real `npm start` server on 127.0.0.1.
 * The client is built by `npm run test:e2e` before Playwright starts the server.
 */
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_LOOPBACK_ARG } from './tests/helpers/chromium.ts'

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
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, WEBRTC_LOOPBACK_ARG],
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
