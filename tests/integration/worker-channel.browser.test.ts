/**
 * A link's sync channel moved to a worker (Vitest browser mode, Chromium), as PeerMesh
 * and the log worker do it (client/worker/worker-channels.ts):
 *
 *   pc1: ordinary channel (simple-peer's) + negotiated sync channel ═══ pc2: negotiated sync channel
 *        page sends frames ─────────────────────────────────────────▶ transferred at once to a worker,
 *        page gets them back ◀────────────────────────────────────── which echoes each one
 *
 * pc2 makes its sync channel before the offer arrives and transfers it in the same task,
 * the only moment Chromium allows; the channel then opens in the worker with the link.
 * Real SCTP over DTLS over loopback UDP, no signaling server.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createSyncChannel } from '../../client/net/sync-channel.ts'
import type { EchoReport } from './worker-channel-echo.ts'

const KIB = 1024
const FRAMES = 40
const FRAME = 200 * KIB

let cleanup: Array<() => void> = []
afterEach(() => {
  for (const c of cleanup) c()
  cleanup = []
})

function waitFor<T>(what: string, poll: () => T | undefined, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const tick = () => {
      const v = poll()
      if (v !== undefined) resolve(v)
      else if (performance.now() - start > ms) reject(new Error(`timed out waiting for ${what}`))
      else setTimeout(tick, 10)
    }
    tick()
  })
}

/** pc1 ↔ pc2, with pc2's sync channel held by a fresh echo worker. */
async function linkWithWorker() {
  const worker = new Worker(new URL('./worker-channel-echo.ts', import.meta.url), { type: 'module' })
  const reports: EchoReport[] = []
  worker.addEventListener('message', (e: MessageEvent<EchoReport>) => reports.push(e.data))
  const pc1 = new RTCPeerConnection()
  const pc2 = new RTCPeerConnection()
  cleanup.push(() => {
    pc1.close()
    pc2.close()
    worker.terminate()
  })
  pc1.addEventListener('icecandidate', (e) => void (e.candidate && pc2.addIceCandidate(e.candidate)))
  pc2.addEventListener('icecandidate', (e) => void (e.candidate && pc1.addIceCandidate(e.candidate)))
  pc1.createDataChannel('simple-peer') // the ordinary channel: it puts SCTP in the offer
  const mine = createSyncChannel(pc1)
  mine.binaryType = 'arraybuffer'
  const theirs = createSyncChannel(pc2) // before the offer, as the answering PeerMesh does
  worker.postMessage({ channel: theirs }, [theirs])
  await pc1.setLocalDescription()
  await pc2.setRemoteDescription(pc1.localDescription!)
  await pc2.setLocalDescription()
  await pc1.setRemoteDescription(pc2.localDescription!)
  await waitFor('the sync channel to open', () => (mine.readyState === 'open' ? true : undefined))
  return { pc1, mine, theirs, reports }
}

describe('a sync channel transferred to a worker', () => {
  it('opens in the worker and carries frames both ways, in order', async () => {
    const { mine, theirs, reports } = await linkWithWorker()
    expect(theirs.readyState).toBe('closed') // this page's handle is detached by the transfer
    await waitFor('link-open in the worker', () => (reports.some((r) => 'input' in r && r.input === 'open') ? true : undefined))

    const back: Uint8Array[] = []
    mine.addEventListener('message', (e: MessageEvent<ArrayBuffer>) => back.push(new Uint8Array(e.data)))
    for (let i = 0; i < FRAMES; i++) mine.send(new Uint8Array(FRAME).fill(i))
    await waitFor('every frame echoed', () => (back.length === FRAMES ? true : undefined), 30_000)

    expect(back.map((b) => [b.byteLength, b[0], b[FRAME - 1]])).toEqual(Array.from({ length: FRAMES }, (_, i) => [FRAME, i, i]))
    const frames = reports.filter((r) => 'input' in r && r.input === 'frame')
    expect(frames).toHaveLength(FRAMES)
    expect(reports[0]).toEqual({ input: 'open' })
    expect(reports.some((r) => 'lost' in r)).toBe(false)
  })

  it('gives link-close in the worker when the connection closes', async () => {
    const { pc1, reports } = await linkWithWorker()
    await waitFor('link-open in the worker', () => (reports.some((r) => 'input' in r && r.input === 'open') ? true : undefined))
    pc1.close()
    await waitFor('link-close in the worker', () => (reports.some((r) => 'input' in r && r.input === 'close') ? true : undefined))
    expect(reports.map((r) => ('input' in r ? r.input : 'lost'))).toEqual(['open', 'close'])
  })
})
