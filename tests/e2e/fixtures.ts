/**
 * The e2e tests' `test`: Playwright's, plus one automatic fixture that closes the browser
 * contexts a test opened itself (`browser.newContext()`) once it ends, pass or fail.
 *
 * Playwright closes only the `context` and `page` it hands a test. A context a test
 * opens lives on until the worker exits, and with it its app: signaling sockets that
 * reconnect to servers that are gone, WebRTC links, a log worker. All e2e tests run in
 * one worker, one after another, so those leaked tabs piled up: in one run of the first
 * 17 tests, the renderer processes grew from 3 to 26 and the load average from 1.3 to 9.6,
 * and in CI the simple TodoMVC tests near the end took 20-25 s each, against 5-7 s alone.
 */
import { test as base } from '@playwright/test'

export { expect } from '@playwright/test'

export const test = base.extend<{ closeOwnContexts: void }>({
  closeOwnContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts())
      await use()
      for (const context of browser.contexts()) {
        if (!before.has(context)) await context.close().catch(() => {})
      }
    },
    { auto: true },
  ],
})
