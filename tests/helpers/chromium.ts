/**
 * How every test and benchmark launches Debian's Chromium (no browser downloads here).
 * The flags keep a headless Chromium from reaching out to the network at start-up.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** ICE host candidates as plain IPs: deterministic WebRTC on loopback, no STUN needed. */
export const WEBRTC_LOOPBACK_ARG = '--disable-features=WebRtcHideLocalIpsWithMdns'
