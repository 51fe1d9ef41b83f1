/**
 * Two RTCPeerConnections in one page joined by one ordered, reliable data channel: real
 * SCTP over DTLS over loopback UDP, with offer, answer and ICE candidates handed across
 * directly (no signaling server). Needs Chromium's WebRtcHideLocalIpsWithMdns off
 * (helpers/chromium.ts WEBRTC_LOOPBACK_ARG) so host candidates are plain addresses.
 * Used by the sync benchmark page and the browser-mode backpressure test.
 *
 * `linkSyncChannels` joins two RTCPeerConnections the way PeerMesh links two tabs: an
 * ordinary channel (simple-peer's) and the negotiated sync channel, whose two ends are
 * handed over (to workers) in the task that makes them (client/net/sync-channel.ts).
 */
import { CHANNEL_LOW } from '../../client/net/send-queue.ts'
import { createSyncChannel } from '../../client/net/sync-channel.ts'

export interface ChannelPair {
  /** pc1's end. */
  a: RTCDataChannel
  /** pc2's end. */
  b: RTCDataChannel
  setupMs: number
  close(): void
}

/** Two RTCPeerConnections in this page joined by one ordered, reliable data channel. */
export async function connectPair(label: string): Promise<ChannelPair> {
  const start = performance.now()
  const pc1 = new RTCPeerConnection()
  const pc2 = new RTCPeerConnection()
  pc1.addEventListener('icecandidate', (e) => void (e.candidate && pc2.addIceCandidate(e.candidate)))
  pc2.addEventListener('icecandidate', (e) => void (e.candidate && pc1.addIceCandidate(e.candidate)))
  const a = pc1.createDataChannel(label)
  const remote = new Promise<RTCDataChannel>((resolve) => pc2.addEventListener('datachannel', (e) => resolve(e.channel), { once: true }))
  await pc1.setLocalDescription()
  await pc2.setRemoteDescription(pc1.localDescription!)
  await pc2.setLocalDescription()
  await pc1.setRemoteDescription(pc2.localDescription!)
  const opened = (c: RTCDataChannel) =>
    c.readyState === 'open' ? Promise.resolve() : new Promise<void>((resolve) => c.addEventListener('open', () => resolve(), { once: true }))
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`data channel did not open in 15 s (ICE ${pc1.iceConnectionState})`)), 15_000),
  )
  const b = await Promise.race([remote, timeout])
  await Promise.race([Promise.all([opened(a), opened(b)]), timeout])
  for (const c of [a, b]) {
    c.binaryType = 'arraybuffer'
    c.bufferedAmountLowThreshold = CHANNEL_LOW
  }
  return {
    a,
    b,
    setupMs: performance.now() - start,
    close: () => {
      pc1.close()
      pc2.close()
    },
  }
}

/**
 * Two RTCPeerConnections in this page whose sync channel ends go to `takeA` and `takeB`
 * as they are made (before the offer, as PeerMesh makes them); resolves once offer and
 * answer are applied. The channels open, where they were sent, with the connection.
 */
export async function linkSyncChannels(takeA: (c: RTCDataChannel) => void, takeB: (c: RTCDataChannel) => void): Promise<{ close(): void }> {
  const pc1 = new RTCPeerConnection()
  const pc2 = new RTCPeerConnection()
  pc1.addEventListener('icecandidate', (e) => void (e.candidate && pc2.addIceCandidate(e.candidate)))
  pc2.addEventListener('icecandidate', (e) => void (e.candidate && pc1.addIceCandidate(e.candidate)))
  pc1.createDataChannel('simple-peer') // the ordinary channel: it puts SCTP in the offer
  takeA(createSyncChannel(pc1))
  takeB(createSyncChannel(pc2))
  await pc1.setLocalDescription()
  await pc2.setRemoteDescription(pc1.localDescription!)
  await pc2.setLocalDescription()
  await pc1.setRemoteDescription(pc2.localDescription!)
  return {
    close: () => {
      pc1.close()
      pc2.close()
    },
  }
}
