/**
 * STUN/TURN servers for the clients' WebRTC links, configured when the server starts and
 * published at `/config.json` (server.ts; read by client/net/ice-config.ts).
 *
 *   ICE_SERVERS='[{"urls":"turn:turn.example.org:3478","username":"u","credential":"p"}]'
 *   ICE_CONFIG=/etc/peerlog/ice.json      a file holding the same JSON
 *
 * Both accept the list itself or `{ "iceServers": [...] }` (the shape of /config.json).
 * Neither set: no ICE servers, right for loopback and LAN (host candidates suffice).
 *
 * Invariants:
 *  1. Everything that reaches a client is validated here first: a config the browser would
 *     reject (RTCPeerConnection throws on a TURN URL without credentials, or on an unknown
 *     scheme) would break every link, so the server refuses to start with it instead.
 *  2. Unknown fields are errors, so a typo (`"credentials"`) is caught at startup rather
 *     than showing up as TURN silently not working.
 */
import { readFileSync } from 'node:fs'

/** One entry of RTCConfiguration.iceServers (kept DOM-free: this runs in Node). */
export interface IceServer {
  /** stun:, stuns:, turn: or turns: URLs of one server. */
  urls: string | string[]
  /** Required for turn:/turns: (long-term credentials). */
  username?: string
  credential?: string
}

/** A config that cannot be used; the message says where and why. */
export class IceConfigError extends Error {
  override readonly name = 'IceConfigError'
}

export type IceConfigResult = { type: 'ok'; iceServers: IceServer[] } | { type: 'rejected'; reason: string }

const URL_SCHEME = /^(stun|stuns|turn|turns):[^\s]+$/
const KNOWN_FIELDS = new Set(['urls', 'username', 'credential'])

/** Validates JSON text from `source` (e.g. "ICE_SERVERS", a file path) into a list of ICE servers. */
export function parseIceConfig(text: string, source: string): IceConfigResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { type: 'rejected', reason: `${source} is not valid JSON: ${(err as Error).message}` }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value)
    if (keys.length !== 1 || keys[0] !== 'iceServers') {
      return { type: 'rejected', reason: `${source} must be a list of ICE servers or { "iceServers": [...] }` }
    }
    return validateList((value as { iceServers: unknown }).iceServers, `${source}.iceServers`)
  }
  return validateList(value, source)
}

function validateList(value: unknown, where: string): IceConfigResult {
  if (!Array.isArray(value)) return { type: 'rejected', reason: `${where} must be a list of ICE servers, e.g. [{"urls":"stun:stun.example.org:3478"}]` }
  const iceServers: IceServer[] = []
  for (const [i, entry] of (value as unknown[]).entries()) {
    const checked = validateServer(entry, `${where}[${i}]`)
    if (typeof checked === 'string') return { type: 'rejected', reason: checked }
    iceServers.push(checked)
  }
  return { type: 'ok', iceServers }
}

/** The server, or a message saying what is wrong with it. */
function validateServer(entry: unknown, where: string): IceServer | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${where} must be an object with "urls"`
  const fields = entry as Record<string, unknown>
  const unknown = Object.keys(fields).filter((k) => !KNOWN_FIELDS.has(k))
  if (unknown.length > 0) return `${where} has unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: urls, username, credential)`
  const { urls, username, credential } = fields
  const list = typeof urls === 'string' ? [urls] : urls
  if (!Array.isArray(list) || list.length === 0) return `${where}.urls must be a URL or a non-empty list of URLs`
  for (const [j, url] of (list as unknown[]).entries()) {
    const at = Array.isArray(urls) ? `${where}.urls[${j}]` : `${where}.urls`
    if (typeof url !== 'string' || !URL_SCHEME.test(url)) return `${at} must be a stun:, stuns:, turn: or turns: URL, got ${JSON.stringify(url)}`
  }
  if (username !== undefined && typeof username !== 'string') return `${where}.username must be a string`
  if (credential !== undefined && typeof credential !== 'string') return `${where}.credential must be a string`
  const needsCredentials = (list as string[]).some((u) => u.startsWith('turn:') || u.startsWith('turns:'))
  if (needsCredentials && (username === undefined || credential === undefined)) return `${where} is a TURN server: it needs "username" and "credential"`
  return {
    urls: urls as string | string[],
    ...(username !== undefined ? { username } : {}),
    ...(credential !== undefined ? { credential } : {}),
  }
}

/**
 * The ICE servers the environment configures: ICE_SERVERS (JSON) or ICE_CONFIG (a file
 * path), not both; `[]` when neither is set. Throws IceConfigError when unusable.
 */
export function readIceConfig(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): IceServer[] {
  const inline = env['ICE_SERVERS']
  const file = env['ICE_CONFIG']
  if (inline !== undefined && inline !== '' && file !== undefined && file !== '') {
    throw new IceConfigError('ICE_SERVERS and ICE_CONFIG are both set: use one')
  }
  let result: IceConfigResult
  if (inline !== undefined && inline !== '') {
    result = parseIceConfig(inline, 'ICE_SERVERS')
  } else if (file !== undefined && file !== '') {
    let text: string
    try {
      text = readFile(file)
    } catch (err) {
      throw new IceConfigError(`ICE_CONFIG: cannot read ${file}: ${(err as Error).message}`)
    }
    result = parseIceConfig(text, `ICE_CONFIG (${file})`)
  } else {
    return []
  }
  if (result.type === 'rejected') throw new IceConfigError(`invalid ICE configuration: ${result.reason}`)
  return result.iceServers
}

/** For the startup log: the servers' URLs, without credentials. */
export function describeIceServers(servers: readonly IceServer[]): string {
  if (servers.length === 0) return 'none (loopback/LAN only)'
  return servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : s.urls)).join(', ')
}
