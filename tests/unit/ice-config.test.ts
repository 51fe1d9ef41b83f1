/**
 * ICE configuration: the server's startup parsing and validation (ICE_SERVERS JSON,
 * ICE_CONFIG file, malformed → a clear error), and the client's loader of /config.json,
 * which must fall back to no servers rather than fail.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { IceConfigError, describeIceServers, parseIceConfig, readIceConfig } from '../../signaling/ice-config.ts'
import { loadIceServers, parseIceServerList } from '../../client/net/ice-config.ts'

const turn = { urls: 'turn:turn.example.org:3478', username: 'u', credential: 'p' }
const stun = { urls: ['stun:stun.example.org:3478', 'stun:stun2.example.org'] }

describe('parseIceConfig', () => {
  it('accepts a list, or the { iceServers } shape of /config.json', () => {
    expect(parseIceConfig(JSON.stringify([turn, stun]), 'X')).toEqual({ type: 'ok', iceServers: [turn, stun] })
    expect(parseIceConfig(JSON.stringify({ iceServers: [stun] }), 'X')).toEqual({ type: 'ok', iceServers: [stun] })
    expect(parseIceConfig('[]', 'X')).toEqual({ type: 'ok', iceServers: [] })
    expect(parseIceConfig(JSON.stringify([{ urls: 'turns:t.example.org:5349?transport=tcp', username: 'a', credential: 'b' }]), 'X').type).toBe('ok')
  })

  it.each([
    ['not JSON', '[{urls:', /X is not valid JSON/],
    ['not a list', '"stun:x"', /X must be a list of ICE servers/],
    ['an object of another shape', '{"servers":[]}', /X must be a list of ICE servers or \{ "iceServers"/],
    ['an entry that is not an object', '["stun:x"]', /X\[0\] must be an object with "urls"/],
    ['missing urls', '[{}]', /X\[0\]\.urls must be a URL or a non-empty list/],
    ['empty urls', '[{"urls":[]}]', /X\[0\]\.urls must be a URL or a non-empty list/],
    ['a non-ICE scheme', '[{"urls":"http://turn.example.org"}]', /X\[0\]\.urls must be a stun:, stuns:, turn: or turns: URL, got "http:\/\/turn.example.org"/],
    ['a bad url in a list', '[{"urls":["stun:a", 3]}]', /X\[0\]\.urls\[1\] must be a stun:/],
    ['TURN without credentials', '[{"urls":"turn:t.example.org"}]', /X\[0\] is a TURN server: it needs "username" and "credential"/],
    ['a typo in a field', '[{"urls":"turn:t","username":"u","credentials":"p"}]', /X\[0\] has unknown field\(s\) "credentials"/],
    ['a non-string credential', '[{"urls":"turn:t","username":"u","credential":5}]', /X\[0\]\.credential must be a string/],
    ['a bad entry in { iceServers }', '{"iceServers":[{"urls":"x"}]}', /X\.iceServers\[0\]\.urls must be/],
  ])('rejects %s, saying where and why', (_name, text, reason) => {
    const result = parseIceConfig(text, 'X')
    expect(result.type).toBe('rejected')
    if (result.type === 'rejected') expect(result.reason).toMatch(reason)
  })
})

describe('readIceConfig', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'peerlog-ice-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('defaults to no ICE servers', () => {
    expect(readIceConfig({})).toEqual([])
    expect(readIceConfig({ ICE_SERVERS: '', ICE_CONFIG: '' })).toEqual([])
  })

  it('reads ICE_SERVERS as JSON', () => {
    expect(readIceConfig({ ICE_SERVERS: JSON.stringify([turn]) })).toEqual([turn])
  })

  it('reads the file ICE_CONFIG names', async () => {
    const file = path.join(dir, 'ice.json')
    await writeFile(file, JSON.stringify({ iceServers: [stun, turn] }))
    expect(readIceConfig({ ICE_CONFIG: file })).toEqual([stun, turn])
  })

  it('throws IceConfigError with a clear message on malformed config', async () => {
    expect(() => readIceConfig({ ICE_SERVERS: '[{"urls":"turn:t"}]' })).toThrow(IceConfigError)
    expect(() => readIceConfig({ ICE_SERVERS: '[{"urls":"turn:t"}]' })).toThrow(
      'invalid ICE configuration: ICE_SERVERS[0] is a TURN server: it needs "username" and "credential"',
    )
    const bad = path.join(dir, 'bad.json')
    await writeFile(bad, '{ not json')
    expect(() => readIceConfig({ ICE_CONFIG: bad })).toThrow(new RegExp(`ICE_CONFIG \\(${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) is not valid JSON`))
  })

  it('throws when the file cannot be read, or when both variables are set', () => {
    expect(() => readIceConfig({ ICE_CONFIG: path.join(dir, 'missing.json') })).toThrow(/ICE_CONFIG: cannot read .*missing\.json: ENOENT/)
    expect(() => readIceConfig({ ICE_SERVERS: '[]', ICE_CONFIG: '/x.json' })).toThrow('ICE_SERVERS and ICE_CONFIG are both set: use one')
  })

  it('describes servers for the log without credentials', () => {
    expect(describeIceServers([])).toBe('none (loopback/LAN only)')
    const secret = { ...turn, username: 'the-user', credential: 'the-secret' }
    const text = describeIceServers([secret, stun])
    expect(text).toBe('turn:turn.example.org:3478, stun:stun.example.org:3478, stun:stun2.example.org')
  })
})

describe('client loadIceServers', () => {
  const answer = (status: number, body: string): typeof fetch => async () => new Response(body, { status })

  it('returns the servers /config.json lists', async () => {
    const servers = await loadIceServers({ fetch: answer(200, JSON.stringify({ iceServers: [turn, stun] })) })
    expect(servers).toEqual([turn, stun])
  })

  it('falls back to [] on an error status, malformed JSON, a wrong shape or a network error', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(await loadIceServers({ fetch: answer(404, 'Not Found') })).toEqual([])
    expect(await loadIceServers({ fetch: answer(200, '<!doctype html>') })).toEqual([])
    expect(await loadIceServers({ fetch: answer(200, '{"iceServers":[{"urls":5}]}') })).toEqual([])
    expect(await loadIceServers({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) })).toEqual([])
    expect(warn).toHaveBeenCalledTimes(4)
    warn.mockRestore()
  })

  it('gives up after its timeout', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
    const started = Date.now()
    expect(await loadIceServers({ fetch: hanging, timeoutMs: 50 })).toEqual([])
    expect(Date.now() - started).toBeLessThan(2_000)
    warn.mockRestore()
  })

  it('parseIceServerList keeps only the RTCIceServer fields', () => {
    expect(parseIceServerList({ iceServers: [{ ...turn, extra: 1 }] })).toEqual([turn])
    expect(parseIceServerList([turn])).toBeNull()
    expect(parseIceServerList({ iceServers: [{ urls: 'stun:x', username: 1 }] })).toBeNull()
  })
})
