import { describe, expect, it } from 'vitest'
import { newRoomAddress, parseRoomAddress, roomPath, signalingTopic } from '../../shared/room-link.ts'
import { replicasInFiles, databaseFileName } from '../../client/worker/replica-claim.ts'
import { newReplicaId } from '../../shared/ids.ts'

describe('room links', () => {
  it('round-trip through path and fragment', () => {
    const a = newRoomAddress()
    const [path, hash] = roomPath(a).split('#') as [string, string]
    expect(parseRoomAddress(path, `#${hash}`)).toEqual(a)
  })

  it('are rejected when the id or the secret is malformed or missing', () => {
    const a = newRoomAddress()
    expect(parseRoomAddress(`/r/${a.room}`, '')).toBeNull()
    expect(parseRoomAddress(`/r/${a.room}x`, a.secret)).toBeNull()
    expect(parseRoomAddress(`/r/${a.room}`, 'short')).toBeNull()
    expect(parseRoomAddress('/', a.secret)).toBeNull()
  })

  it('derive a signaling topic that reveals neither room id nor secret', () => {
    const a = newRoomAddress()
    const topic = signalingTopic(a)
    expect(topic).toMatch(/^[0-9a-f]{64}$/)
    expect(topic).not.toContain(a.room)
    expect(topic).not.toContain(a.secret)
    expect(signalingTopic({ ...a, secret: newRoomAddress().secret })).not.toBe(topic)
  })
})

describe('stored replica files', () => {
  it('are found per room by file name', () => {
    const a = newRoomAddress().room
    const b = newRoomAddress().room
    const r1 = newReplicaId()
    const r2 = newReplicaId()
    const files = [databaseFileName(a, r1), databaseFileName(b, r2), databaseFileName(a, r2), 'other.db', `peerlog-${a}-zz.db`]
    expect(replicasInFiles(a, files)).toEqual([r1, r2])
    expect(replicasInFiles(b, files)).toEqual([r2])
  })
})
