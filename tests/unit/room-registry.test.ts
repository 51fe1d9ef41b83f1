/**
 * What this browser remembers about rooms, and how it finds them on disk:
 *   RoomRegistry (client/rooms/room-registry.ts)  the links and names the rooms menu shows
 *   roomsInFiles (client/rooms/local-replicas.ts)  rooms and replicas from OPFS file names
 *   own name (client/rooms/own-name.ts) and peer colours (components/room/peer-identity.ts)
 */
import { describe, expect, it, vi } from 'vitest'
import { ROOMS_KEY, RoomRegistry } from '../../client/rooms/room-registry.ts'
import { roomsInFiles } from '../../client/rooms/local-replicas.ts'
import { databaseFileName, parseDatabaseFileName } from '../../client/worker/replica-claim.ts'
import { OWN_NAME_KEY, loadOwnName, normalizeName, saveOwnName } from '../../client/rooms/own-name.ts'
import { peerColour, peerLabel } from '../../client/components/room/peer-identity.ts'
import { MAX_NAME_LENGTH } from '../../shared/event.ts'
import type { RoomId } from '../../shared/ids.ts'
import { replica } from '../helpers/fixtures.ts'

const room = (n: number) => n.toString(16).padStart(32, 'a') as RoomId
const secret = (n: number) => n.toString(16).padStart(32, 'b')

/** A Storage-like map, as localStorage behaves. */
function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial))
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), map }
}

describe('RoomRegistry', () => {
  it('remembers rooms with their link, most recently opened first', () => {
    const registry = new RoomRegistry(memoryStorage())
    registry.remember({ room: room(1), secret: secret(1) }, 100)
    registry.remember({ room: room(2), secret: secret(2) }, 200)
    expect(registry.list().map((r) => [r.room, r.secret, r.lastOpened])).toEqual([
      [room(2), secret(2), 200],
      [room(1), secret(1), 100],
    ])
    registry.remember({ room: room(1), secret: secret(1) }, 300) // opened again
    expect(registry.list().map((r) => r.room)).toEqual([room(1), room(2)])
  })

  it('keeps the name last seen in a room’s log across visits, and forgets a room left', () => {
    const storage = memoryStorage()
    const registry = new RoomRegistry(storage)
    registry.remember({ room: room(1), secret: secret(1) }, 100)
    registry.setName(room(1), 'Groceries')
    registry.remember({ room: room(1), secret: secret(1) }, 200)
    expect(new RoomRegistry(storage).get(room(1))?.name).toBe('Groceries') // what a new tab reads
    registry.setName(room(9), 'never joined') // no entry is made for it
    registry.forget(room(1))
    expect(registry.list()).toEqual([])
  })

  it('drops what it cannot trust: unreadable JSON, bad ids or secrets, wrong shapes', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(new RoomRegistry(memoryStorage({ [ROOMS_KEY]: '{not json' })).list()).toEqual([])
    const good = { room: room(1), secret: secret(1), name: '', lastOpened: 1 }
    const stored = JSON.stringify([good, { ...good, room: 'nope' }, { ...good, secret: 'short' }, { ...good, name: 7 }, null])
    expect(new RoomRegistry(memoryStorage({ [ROOMS_KEY]: stored })).list()).toEqual([good])
    warn.mockRestore()
  })

  it('survives a storage that refuses writes (full or disabled)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const registry = new RoomRegistry({
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError')
      },
    })
    expect(() => registry.remember({ room: room(1), secret: secret(1) }, 1)).not.toThrow()
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
  })
})

describe('rooms in OPFS file names', () => {
  it('reads room and replica back from a database file name, and nothing from other names', () => {
    const name = databaseFileName(room(1), replica(2))
    expect(parseDatabaseFileName(name)).toEqual({ room: room(1), replica: replica(2) })
    for (const other of [`${name}-wal`, 'peerlog-x-y.db', `peerlog-${room(1)}.db`, 'notes.txt']) expect(parseDatabaseFileName(other)).toBeNull()
  })

  it('groups replicas by room', () => {
    const files = [databaseFileName(room(1), replica(1)), databaseFileName(room(2), replica(3)), databaseFileName(room(1), replica(2)), 'stray.db']
    expect(roomsInFiles(files)).toEqual([
      { room: room(1), replicas: [replica(1), replica(2)] },
      { room: room(2), replicas: [replica(3)] },
    ])
  })
})

describe('own name and peer identity', () => {
  it('saves the own name trimmed, single-spaced and bounded', () => {
    const storage = memoryStorage()
    saveOwnName(storage, '  Ann   Lee ')
    expect(storage.map.get(OWN_NAME_KEY)).toBe('Ann Lee')
    expect(loadOwnName(storage)).toBe('Ann Lee')
    expect(normalizeName('x'.repeat(MAX_NAME_LENGTH + 5))).toHaveLength(MAX_NAME_LENGTH)
    expect(loadOwnName(memoryStorage())).toBe('')
  })

  it('gives each replica a stable colour from its id alone, and a stand-in name until it names itself', () => {
    expect(peerColour(replica(1))).toBe(peerColour(replica(1)))
    expect(peerColour('0000' + 'f'.repeat(28))).toBe('hsl(0 65% 42%)')
    expect(peerColour('8000' + 'f'.repeat(28))).toBe('hsl(180 65% 42%)')
    expect(peerLabel('abcdef' + '0'.repeat(26), {})).toBe('Peer abcd')
    expect(peerLabel(replica(1), { [replica(1)]: 'Ann' })).toBe('Ann')
  })
})
