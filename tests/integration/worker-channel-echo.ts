/**
 * A dedicated worker for worker-channel.browser.test.ts: it holds transferred sync
 * channels in a WorkerChannels, as the log worker does, reports every link input to the
 * page, and sends every frame back on the channel it came from.
 *
 *   page ── {channel: RTCDataChannel} (transferred) ──▶ worker
 *        ◀── {input: 'open' | 'close' | 'backlog' | 'frame', bytes?} ──
 */
import { WorkerChannels } from '../../client/worker/worker-channels.ts'

export type EchoReport = { input: 'open' | 'close' | 'backlog'; backlogged?: boolean } | { input: 'frame'; bytes: number } | { lost: string }

const report = (r: EchoReport) => postMessage(r)

const channels = new WorkerChannels({
  input: (m) => {
    if (m.type === 'link-frame') {
      report({ input: 'frame', bytes: m.bytes.byteLength })
      channels.send(m.peer, m.bytes)
    } else if (m.type === 'link-backlog') report({ input: 'backlog', backlogged: m.backlogged })
    else report({ input: m.type === 'link-open' ? 'open' : 'close' })
  },
  lost: (peer) => report({ lost: peer }),
  warn: (message) => console.warn(message),
})

addEventListener('message', (e: MessageEvent<{ channel: RTCDataChannel }>) => channels.adopt('webrtc:page', e.data.channel))
