/**
 * The product promise: share a room link, collaborate live, and keep working — and keep
 * linking — after the server goes down. Also: what the server sees (only opaque topics
 * and ciphertext), and that a wrong secret gets nowhere.
 */
import { type BrowserContext, type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { fileURLToPath } from 'node:url'
import { startSignalingServer } from '../../signaling/server.ts'
import { addTodo, expectPeers, titles } from './helpers.ts'

const dist = fileURLToPath(new URL('../../dist', import.meta.url))

type Debug = { peerlogDebug: { selfId(): string | null; dropLink(peer: string): void } }

async function serviceWorkerReady(page: Page): Promise<void> {
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker?.ready
    return !!reg?.active && !!navigator.serviceWorker.controller
  }, undefined, { timeout: 30_000 })
}

test('with the server dead, edits flow, a reloaded and a new tab relink over WebRTC, and a restart lets a fourth browser join', async ({ browser }) => {
  test.setTimeout(180_000)
  const frames: string[] = []
  let server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dist, onFrame: (t) => frames.push(t) })
  const port = server.port
  const contexts: BrowserContext[] = []
  const open = async (url: string) => {
    const context = await browser.newContext({ baseURL: server.url })
    contexts.push(context)
    const page = await context.newPage()
    await page.goto(url)
    return page
  }
  const a = await open('/')
  await expect(a).toHaveURL(/\/r\/[0-9a-f]{32}#[0-9a-f]{32}$/)
  const link = new URL(a.url())
  const path = `${link.pathname}${link.hash}`
  const b = await open(path)
  const c = await open(path)
  for (const p of [a, b, c]) await expectPeers(p, 2)
  await addTodo(a, 'before the outage')
  for (const p of [b, c]) await expect(titles(p)).toHaveText(['before the outage'])
  await serviceWorkerReady(a)

  // The server only ever saw opaque topics and ciphertext.
  const seen = frames.join('\n')
  expect(frames.length).toBeGreaterThan(0)
  expect(seen).not.toContain(link.pathname.slice(3)) // the room id
  expect(seen).not.toContain(link.hash.slice(1)) // the secret
  expect(seen).not.toMatch(/"sdp"|candidate:|a=fingerprint/)

  await server.close()
  for (const p of [a, b, c]) await expect(p.getByTestId('signaling-status')).not.toHaveText('online')
  // The status line says the client keeps trying, and when it tries next.
  await expect(b.getByTestId('signaling-detail')).toHaveText(/reconnecting (in \d+ s|now), attempt \d+/)

  // Edits keep flowing over the existing links.
  await addTodo(b, 'during the outage')
  await expect(titles(c)).toHaveText(['before the outage', 'during the outage'])
  await addTodo(c, 'also during')
  const all = ['before the outage', 'during the outage', 'also during']
  for (const p of [a, b, c]) await expect(titles(p)).toHaveText(all)

  // The B–C link drops: with no server, B and C find each other again through A, their
  // common neighbour, which relays their (sealed) offers, answers and candidates.
  const webrtcPeers = (p: Page) => p.locator('[data-testid="peer"][data-via="webrtc"]')
  const cId = await c.evaluate(() => (window as unknown as Debug).peerlogDebug.selfId())
  await b.evaluate((id) => {
    // The relink can take well under Playwright's polling interval: record every count shown.
    const count = document.querySelector('[data-testid="peer-count"]')!
    const shown: string[] = ((window as unknown as { shownPeerCounts: string[] }).shownPeerCounts = [])
    new MutationObserver(() => shown.push(count.textContent ?? '')).observe(count, { subtree: true, childList: true, characterData: true })
    ;(window as unknown as Debug).peerlogDebug.dropLink(id!)
  }, cId)
  await expect.poll(() => b.evaluate(() => (window as unknown as { shownPeerCounts: string[] }).shownPeerCounts)).toEqual(['1', '2'])
  await expect(webrtcPeers(b)).toHaveCount(2, { timeout: 30_000 })
  await expect(webrtcPeers(c)).toHaveCount(2)
  await addTodo(b, 'after the relink')
  all.push('after the relink')
  for (const p of [a, b, c]) await expect(titles(p)).toHaveText(all)

  // A brand-new tab in context A loads from the service worker, gets the state from its
  // sibling over BroadcastChannel, and links to B and C over WebRTC through signaling
  // relayed by the mesh. Then the first tab reloads and relinks the same way (through the
  // new tab: with no server, a browser's only way into the mesh is a tab already in it).
  const a2 = await contexts[0]!.newPage()
  await a2.goto(path)
  await expect(titles(a2)).toHaveText(all)
  await expect(webrtcPeers(a2)).toHaveCount(2, { timeout: 30_000 })
  await a.reload()
  await expect(titles(a)).toHaveText(all)
  await expect(webrtcPeers(a)).toHaveCount(2, { timeout: 30_000 })
  await addTodo(a2, 'from the new tab')
  for (const p of [a, b, c]) await expect(titles(p)).toHaveText([...all, 'from the new tab'])

  // The server comes back on the same port: a fourth browser joins through it and converges.
  server = await startSignalingServer({ port, host: '127.0.0.1', staticDir: dist })
  const d = await open(path)
  await expect(titles(d)).toHaveText([...all, 'from the new tab'], { timeout: 60_000 })
  await server.close()
  for (const context of contexts) await context.close()
})

test('a browser with the room id but a wrong secret never sees the room and is never linked', async ({ browser }) => {
  const server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dist })
  const owner = await (await browser.newContext({ baseURL: server.url })).newPage()
  await owner.goto('/')
  await expect(owner).toHaveURL(/\/r\//)
  await addTodo(owner, 'private')
  const url = new URL(owner.url())
  const friend = await (await browser.newContext({ baseURL: server.url })).newPage()
  await friend.goto(`${url.pathname}${url.hash}`)
  await expectPeers(owner, 1)

  const stranger = await (await browser.newContext({ baseURL: server.url })).newPage()
  await stranger.goto(`${url.pathname}#${'0'.repeat(32)}`)
  await expect(stranger.getByTestId('signaling-status')).toHaveText('online')
  await addTodo(owner, 'still private')
  await expect(titles(friend)).toHaveText(['private', 'still private'])
  await expect(stranger.getByTestId('peer-count')).toHaveText('0')
  await expect(titles(stranger)).toHaveCount(0)
  await expectPeers(owner, 1)
  await server.close()
})
