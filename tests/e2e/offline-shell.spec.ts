/**
 * The app survives the outage of the server that served it: once the service worker
 * controls a tab, reloading it, or opening the room link in a new tab, loads the app from
 * the precache and the todos from OPFS with the server stopped. The last /config.json
 * stays available offline. A new build installs in the background without touching open
 * tabs, and is what the next load gets once it is the app's only tab.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { startSignalingServer } from '../../signaling/server.ts'
import { addTodo, expectEvents, openFreshRoom, titles } from './helpers.ts'

const dist = fileURLToPath(new URL('../../dist', import.meta.url))
const iceServers = [{ urls: 'stun:127.0.0.1:9' }]

/** Waits until a service worker is active and controls `page`. */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
}

/** The page's /config.json, as the page's own fetch (through the service worker) sees it. */
const fetchConfig = (page: Page) => page.evaluate(async () => (await (await fetch('/config.json')).json()) as unknown)

test('a reloaded tab and a new tab load the app and the todos with the server stopped', async ({ browser }) => {
  const server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dist, iceServers })
  let context: BrowserContext | undefined
  try {
    context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    await openFreshRoom(page)
    await expect(page.getByTestId('signaling-status')).toHaveText('online')
    await addTodo(page, 'survives the outage')
    await expect(titles(page)).toHaveText(['survives the outage'])
    await expectEvents(page, 2)
    await waitForServiceWorker(page)
    // Through the service worker now: network-first, so this copy is kept for offline use.
    expect(await fetchConfig(page)).toEqual({ iceServers })
    const link = page.url()

    await server.close()

    // (a) The same tab reloads.
    await page.reload()
    await expect(titles(page)).toHaveText(['survives the outage'])
    await expect(page.getByTestId('signaling-status')).not.toHaveText('online')
    expect(await fetchConfig(page)).toEqual({ iceServers })

    // (b) The room link in a new tab of the same browser.
    const second = await context.newPage()
    await second.goto(link)
    await expect(titles(second)).toHaveText(['survives the outage'])
    await expect(second.getByTestId('signaling-status')).not.toHaveText('online')
    await addTodo(second, 'added offline')
    await expect(titles(page)).toHaveText(['survives the outage', 'added offline'])
  } finally {
    await context?.close()
    await server.close().catch(() => {})
  }
})

test('a new build waits while tabs of the old one are open, and the next lone load gets it', async ({ browser }) => {
  // A private copy of the build, so "deploying" a new version touches nobody else's dist.
  const root = await mkdtemp(path.join(os.tmpdir(), 'peerlog-sw-update-'))
  await cp(dist, root, { recursive: true })
  const server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: root })
  let context: BrowserContext | undefined
  try {
    context = await browser.newContext({ baseURL: server.url })
    const page = await context.newPage()
    await openFreshRoom(page)
    await addTodo(page, 'before the update')
    await expect(titles(page)).toHaveText(['before the update'])
    await waitForServiceWorker(page)
    const link = page.url()
    const buildMark = (p: Page) => p.evaluate(() => document.querySelector('meta[name="peerlog-build"]')?.getAttribute('content') ?? 'v1')
    // Document loads per tab ('load', not 'framenavigated': the router's history.replaceState counts there).
    const navigations = new Map<Page, number>()
    const countNavigations = (p: Page) => p.on('load', () => navigations.set(p, (navigations.get(p) ?? 0) + 1))
    countNavigations(page)

    // Deploy "v2": a changed index.html, and a sw.js whose precache manifest lists it
    // under a new revision — what a real rebuild changes.
    const index = await readFile(path.join(root, 'index.html'), 'utf8')
    await writeFile(path.join(root, 'index.html'), index.replace('<head>', '<head>\n    <meta name="peerlog-build" content="v2" />'))
    const sw = await readFile(path.join(root, 'sw.js'), 'utf8')
    const bumped = sw.replace(/(\{url:"index\.html",revision:")[0-9a-f]+(")/, '$1v2-test-revision$2')
    expect(bumped).not.toBe(sw)
    await writeFile(path.join(root, 'sw.js'), bumped)

    // The open tab finds the update; it installs and waits.
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration()
      await registration?.update()
    })
    await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state === 'installed')

    // The open tab keeps working on the version it loaded, and is not reloaded for it.
    await addTodo(page, 'after the update')
    await expect(titles(page)).toHaveText(['before the update', 'after the update'])
    expect(await buildMark(page)).toBe('v1')

    // A second tab opened meanwhile gets the old version too (one version per browser),
    // and asking the new worker to take over does nothing while the first tab is open.
    const second = await context.newPage()
    countNavigations(second)
    await second.goto(link)
    await expect(titles(second)).toHaveText(['before the update', 'after the update'])
    await page.waitForTimeout(2_000)
    expect(await buildMark(second)).toBe('v1')
    expect(navigations.get(page) ?? 0).toBe(0)
    expect(navigations.get(second)).toBe(1)
    expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)).toBe(true)

    // Alone again, the first tab reloads: it starts under v1, the waiting v2 takes over,
    // and the page is reloaded once into v2 — once, not in a loop — with the replica intact.
    // A closed tab can linger among the worker's clients for a moment on a loaded machine;
    // until it is gone the page is not alone, so reload until it is.
    await second.close()
    await expect(async () => {
      await page.reload()
      await expect.poll(() => buildMark(page).catch(() => 'reloading'), { timeout: 8_000 }).toBe('v2')
    }).toPass({ timeout: 60_000 })
    await expect(titles(page)).toHaveText(['before the update', 'after the update'])
    const loadsSoFar = navigations.get(page) ?? 0
    await page.waitForTimeout(2_000)
    expect(navigations.get(page)).toBe(loadsSoFar) // switched once, no reload loop
    expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)).toBe(false)

    // A later tab gets v2 straight away.
    const third = await context.newPage()
    countNavigations(third)
    await third.goto(link)
    await expect(titles(third)).toHaveText(['before the update', 'after the update'])
    expect(await buildMark(third)).toBe('v2')
    await page.waitForTimeout(1_000)
    expect(navigations.get(third)).toBe(1)
  } finally {
    await context?.close()
    await server.close().catch(() => {})
    await rm(root, { recursive: true, force: true })
  }
})
