/**
 * /config.json and the service worker's files over real sockets: the server publishes
 * the ICE servers it was started with, uncached; sw.js and workbox-*.js are never cached
 * without revalidation; the web app manifest has its own content type. And `main.ts`
 * refuses to start on a malformed ICE_SERVERS, saying why.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSignalingServer, startSignalingServer } from '../../signaling/server.ts'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const quiet = { info: () => {}, warn: () => {}, error: () => {} }
const iceServers = [
  { urls: 'turn:turn.example.org:3478', username: 'u', credential: 'p' },
  { urls: ['stun:stun.example.org:3478'] },
]

describe('GET /config.json', () => {
  let dir: string
  let server: RunningSignalingServer
  let bare: RunningSignalingServer

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'peerlog-config-'))
    await mkdir(path.join(dir, 'assets'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>peerlog</title>')
    await writeFile(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    await writeFile(path.join(dir, 'workbox-774a133b.js'), 'define([], () => {})')
    await writeFile(path.join(dir, 'sw-update.js'), 'self.addEventListener("message", () => {})')
    await writeFile(path.join(dir, 'manifest.webmanifest'), '{"name":"peerlog"}')
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')
    server = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dir, iceServers, log: quiet })
    bare = await startSignalingServer({ port: 0, host: '127.0.0.1', staticDir: dir, log: quiet })
  })

  afterAll(async () => {
    await server.close()
    await bare.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('serves the configured ICE servers as JSON, revalidated on every use', async () => {
    const res = await fetch(new URL('/config.json', server.url))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(await res.json()).toEqual({ iceServers })
  })

  it('serves no ICE servers by default, ignores a query string, and answers HEAD', async () => {
    expect(await (await fetch(new URL('/config.json', bare.url))).json()).toEqual({ iceServers: [] })
    expect(await (await fetch(new URL('/config.json?t=1', server.url))).json()).toEqual({ iceServers })
    const head = await fetch(new URL('/config.json', server.url), { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('refuses other methods', async () => {
    const res = await fetch(new URL('/config.json', server.url), { method: 'POST', body: '{}' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
  })

  it('is served even when another handler answers the rest (the dev server)', async () => {
    const dev = await startSignalingServer({
      port: 0,
      host: '127.0.0.1',
      iceServers,
      log: quiet,
      handler: (_req, res) => res.writeHead(418).end(),
    })
    try {
      expect(await (await fetch(new URL('/config.json', dev.url))).json()).toEqual({ iceServers })
      expect((await fetch(new URL('/other', dev.url))).status).toBe(418)
    } finally {
      await dev.close()
    }
  })

  it('serves sw.js, sw-update.js and workbox-*.js with no-cache, hashed assets immutable, the manifest as a manifest', async () => {
    const get = (p: string) => fetch(new URL(p, server.url))
    for (const p of ['/sw.js', '/sw-update.js', '/workbox-774a133b.js']) {
      const res = await get(p)
      expect(res.status, p).toBe(200)
      expect(res.headers.get('cache-control'), p).toBe('no-cache')
      expect(res.headers.get('content-type'), p).toBe('text/javascript; charset=utf-8')
    }
    expect((await get('/assets/index-abc123.js')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const manifest = await get('/manifest.webmanifest')
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json')
    expect(manifest.headers.get('cache-control')).toBe('no-cache')
  })
})

describe('signaling/main.ts with a malformed ICE configuration', () => {
  /** Runs the server entry point and collects its exit code and stderr. */
  function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'signaling/main.ts')], {
        cwd: repoRoot,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ICE_SERVERS: '', ICE_CONFIG: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new Error(`main.ts did not exit; stderr: ${stderr}`))
      }, 15_000)
      child.on('exit', (code) => {
        clearTimeout(timer)
        resolve({ code, stderr })
      })
    })
  }

  it('exits with status 1 and says what is wrong', async () => {
    const { code, stderr } = await runMain({ ICE_SERVERS: '[{"urls":"turn:turn.example.org:3478"}]' })
    expect(code).toBe(1)
    expect(stderr).toContain('peerlog: invalid ICE configuration: ICE_SERVERS[0] is a TURN server: it needs "username" and "credential"')
  })

  it('exits with status 1 when ICE_CONFIG names a file that is not there', async () => {
    const { code, stderr } = await runMain({ ICE_CONFIG: '/nonexistent/peerlog-ice.json' })
    expect(code).toBe(1)
    expect(stderr).toMatch(/peerlog: ICE_CONFIG: cannot read \/nonexistent\/peerlog-ice\.json: ENOENT/)
  })
})
