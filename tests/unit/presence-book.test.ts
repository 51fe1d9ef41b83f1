/**
 * Presence bookkeeping behind the peer list's "relayed" entries: who was heard of lately,
 * who is reached only through others, and how stale news and departures are handled.
 */
import { describe, expect, it } from 'vitest'
import { PRESENCE_TTL_MS, PresenceBook } from '../../client/net/presence-book.ts'
import type { ReplicaId } from '../../shared/ids.ts'

const R1 = 'a'.repeat(32) as ReplicaId
const none = new Set<string>()

describe('PresenceBook', () => {
  it('lists members heard of but not linked directly, sorted, with their replica', () => {
    const book = new PresenceBook('self')
    book.heard('cccc', R1, 1000)
    book.heard('bbbb', null, 1000)
    book.heard('self', null, 1000) // our own beacon, come back around
    expect(book.relayed(none, 1000)).toEqual([
      { id: 'bbbb', replica: null },
      { id: 'cccc', replica: R1 },
    ])
    expect(book.relayed(new Set(['bbbb']), 1000)).toEqual([{ id: 'cccc', replica: R1 }])
  })

  it('drops a member not heard for the TTL, and keeps one heard again in time', () => {
    const book = new PresenceBook('self')
    book.heard('bbbb', null, 0)
    book.heard('cccc', null, 0)
    book.heard('cccc', null, 10_000)
    expect(book.relayed(none, PRESENCE_TTL_MS).map((p) => p.id)).toEqual(['bbbb', 'cccc'])
    expect(book.relayed(none, PRESENCE_TTL_MS + 1).map((p) => p.id)).toEqual(['cccc'])
  })

  it('re-sent news carries its age, so re-sends cannot keep a silent member alive', () => {
    const book = new PresenceBook('self')
    book.heard('gone', null, 0) // its last own beacon
    // A neighbour re-sends it 20 s later, 20 s old: it still expires at the TTL.
    expect(book.heard('gone', null, 20_000, 20_000)).toBe(false)
    expect(book.relayed(none, PRESENCE_TTL_MS + 1)).toEqual([])
    const other = new PresenceBook('other')
    other.heard('gone', null, 20_000, 20_000)
    expect(other.members(20_000)).toEqual([{ id: 'gone', replica: null, age: 20_000 }])
    expect(other.relayed(none, PRESENCE_TTL_MS + 1)).toEqual([])
  })

  it('forgets a member that leaves or whose link closes, at once', () => {
    const book = new PresenceBook('self')
    book.heard('bbbb', null, 0)
    expect(book.forget('bbbb')).toBe(true)
    expect(book.forget('bbbb')).toBe(false)
    expect(book.relayed(none, 1)).toEqual([])
  })

  it('keeps a replica once heard, and reports news only when the list changes', () => {
    const book = new PresenceBook('self')
    expect(book.heard('bbbb', null, 0)).toBe(true)
    expect(book.heard('bbbb', R1, 1)).toBe(true) // now named
    expect(book.heard('bbbb', null, 2)).toBe(false) // a re-send without the replica
    expect(book.relayed(none, 3)).toEqual([{ id: 'bbbb', replica: R1 }])
    expect(book.relayedIfChanged(none, 3)).toEqual([{ id: 'bbbb', replica: R1 }])
    expect(book.relayedIfChanged(none, 4)).toBeNull()
    expect(book.relayedIfChanged(new Set(['bbbb']), 5)).toEqual([])
  })
})
