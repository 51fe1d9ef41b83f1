/**
 * The sync channel: the second data channel of every WebRTC link, beside simple-peer's,
 * which carries sync frames and is transferred to the log worker as it is made
 * (worker/worker-channels.ts says why). Negotiated, so both sides make it themselves
 * under the same stream id and it needs no signaling of its own: it opens with the link.
 * simple-peer's own channel gets stream 0 or 1, whichever side's DTLS role gives.
 */
const SYNC_CHANNEL_ID = 8

/**
 * Frames kept from a link before it counts as open here (PeerMesh before simple-peer's
 * 'connect', the log worker before its channel's link-open): a peer sends a hello and a
 * few catch-up frames first; more is abuse.
 */
export const MAX_EARLY_FRAMES = 256

/** Makes `pc`'s sync channel: before the offer or answer, as PeerMesh does. */
export function createSyncChannel(pc: RTCPeerConnection): RTCDataChannel {
  return pc.createDataChannel('peerlog-sync', { negotiated: true, id: SYNC_CHANNEL_ID })
}
