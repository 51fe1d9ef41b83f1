/**
 * The STUN/TURN servers this tab gives its WebRTC links, as the server publishes them at
 * `/config.json` (`{ iceServers: [...] }`, from ICE_SERVERS / ICE_CONFIG; see
 * signaling/ice-config.ts and the README).
 *
 * Never fails: a server that is down, slow (over `timeoutMs`), answers something else
 * (the dev server, an old server) or answers malformed JSON means no ICE servers, which
 * is right for loopback and LAN. Offline, the service worker answers with the last copy
 * it saw (network-first, vite.config.ts), so a reload keeps the configured TURN server.
 */

/** How long startup waits for /config.json before going on without ICE servers. */
export const ICE_CONFIG_TIMEOUT_MS = 3_000

export interface LoadIceServersOptions {
  /** Defaults to `/config.json` on the app's origin. */
  url?: string
  timeoutMs?: number
  /** Defaults to the global fetch (tests pass a fake). */
  fetch?: typeof fetch
}

/** The configured ICE servers, or `[]` when there are none or they cannot be had. */
export async function loadIceServers(opts: LoadIceServersOptions = {}): Promise<RTCIceServer[]> {
  const url = opts.url ?? '/config.json'
  const doFetch = opts.fetch ?? fetch
  try {
    const res = await doFetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? ICE_CONFIG_TIMEOUT_MS), cache: 'no-cache' })
    if (!res.ok) {
      console.warn('[ice-config] no ICE servers: /config.json answered', res.status)
      return []
    }
    const servers = parseIceServerList((await res.json()) as unknown)
    if (servers === null) console.warn('[ice-config] no ICE servers: /config.json is not { iceServers: [...] }')
    return servers ?? []
  } catch (err) {
    console.warn('[ice-config] no ICE servers: /config.json could not be loaded', (err as Error).message)
    return []
  }
}

/**
 * `{ iceServers: [{ urls, username?, credential? }, ...] }` → the list, or null when the
 * shape is wrong. The server validated the details (URL schemes, TURN credentials) at
 * startup; this only keeps a wrong shape from reaching RTCPeerConnection, which would throw.
 */
export function parseIceServerList(body: unknown): RTCIceServer[] | null {
  if (typeof body !== 'object' || body === null) return null
  const list = (body as { iceServers?: unknown }).iceServers
  if (!Array.isArray(list)) return null
  const servers: RTCIceServer[] = []
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return null
    const { urls, username, credential } = entry as Record<string, unknown>
    const urlsOk = typeof urls === 'string' || (Array.isArray(urls) && urls.length > 0 && urls.every((u) => typeof u === 'string'))
    if (!urlsOk) return null
    if (username !== undefined && typeof username !== 'string') return null
    if (credential !== undefined && typeof credential !== 'string') return null
    servers.push({
      urls: urls as string | string[],
      ...(username !== undefined ? { username } : {}),
      ...(credential !== undefined ? { credential } : {}),
    })
  }
  return servers
}
