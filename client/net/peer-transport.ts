/**
 * PeerTransport: the port every link technology implements. It only moves frames
 * between this tab and other tabs of the room; the log worker speaks the sync protocol.
 *
 * Implementations: PeerMesh (WebRTC data channels via simple-peer, found through the
 * signaling server) and BroadcastTransport (same-origin tabs of this browser, no server
 * and no WebRTC needed).
 */

/** How a peer is reached, shown in the peer list. */
export type LinkKind = 'webrtc' | 'broadcast'

export interface TransportEvents {
  /**
   * A link to `peer` is open: frames may flow both ways. `adopted`: the link's sync
   * channel was handed to the log worker (PeerMeshOptions.adoptChannel), which sees it
   * open, carry frames and close by itself; this event and onClose are for the rest.
   */
  onOpen(peer: string, adopted: boolean): void
  /** A frame arrived from `peer` (already copied: the receiver may keep or transfer it). */
  onFrame(peer: string, bytes: Uint8Array): void
  /** The link to `peer` closed (only called for links that were open); `adopted` as in onOpen. */
  onClose(peer: string, adopted: boolean): void
  /**
   * Frames for `peer` are piling up in front of the link (true), or drained again
   * (false): the sender of bulk traffic (a streamed catch-up) should pause meanwhile.
   * Transports that never queue (BroadcastChannel) do not call it.
   */
  onBacklog?(peer: string, backlogged: boolean): void
}

export interface PeerTransport {
  /** Which technology this is. */
  readonly kind: LinkKind
  /** Ids of peers with an open link. */
  openPeers(): string[]
  /**
   * Sends a frame to an open peer. Never throws: frames beyond what the link can take now
   * are queued (backpressure) and a closed link drops them.
   */
  send(peer: string, bytes: Uint8Array): void
  /** Closes every link and stops discovering peers. */
  close(): void
}
