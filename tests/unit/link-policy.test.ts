/**
 * The link policy (client/net/link-policy.ts): ring neighbours are always linked, others
 * while under the cap, so a capped mesh stays connected and no tab exceeds its cap.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { admit, missingRingLinks, ringNeighbours } from '../../client/net/link-policy.ts'

describe('ringNeighbours', () => {
  it('are the next and previous ids around the circle, wrapping at the ends', () => {
    expect(ringNeighbours('c', ['a', 'b', 'd', 'e'])).toEqual(['d', 'b'])
    expect(ringNeighbours('e', ['a', 'b', 'c', 'd'])).toEqual(['a', 'd'])
    expect(ringNeighbours('a', ['b', 'c', 'd', 'e'])).toEqual(['b', 'e'])
  })

  it('is the one other member when there is one, and none when alone', () => {
    expect(ringNeighbours('a', ['b'])).toEqual(['b'])
    expect(ringNeighbours('a', ['b', 'a'])).toEqual(['b'])
    expect(ringNeighbours('a', [])).toEqual([])
  })

  it('is symmetric: if b is a neighbour of a, a is a neighbour of b', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{4}$/), { minLength: 2, maxLength: 30 }), (ids) => {
        for (const a of ids) for (const b of ringNeighbours(a, ids)) expect(ringNeighbours(b, ids)).toContain(a)
      }),
    )
  })
})

describe('admit', () => {
  const members = ['a', 'b', 'c', 'd', 'e', 'f', 'g']

  it('takes anyone while under the cap', () => {
    expect(admit({ self: 'a', members, linked: new Set(['d']), cap: 3 }, 'e')).toEqual({ admit: true, drop: null })
  })

  it('keeps an existing link whatever the cap', () => {
    expect(admit({ self: 'a', members, linked: new Set(['d', 'e']), cap: 2 }, 'e')).toEqual({ admit: true, drop: null })
  })

  it('at the cap, declines a member that is not a ring neighbour', () => {
    expect(admit({ self: 'a', members, linked: new Set(['b', 'g']), cap: 2 }, 'd')).toEqual({ admit: false })
  })

  it('at the cap, takes a ring neighbour by dropping the non-ring link farthest around the ring', () => {
    // a's ring neighbours are b and g; d is 3 steps away, c 2 steps.
    expect(admit({ self: 'a', members, linked: new Set(['c', 'd', 'g']), cap: 3 }, 'b')).toEqual({ admit: true, drop: 'd' })
  })

  it('counts a newcomer as a member: it may be the new ring neighbour', () => {
    // 'ab' sorts between a and b: for a it replaces b as successor.
    expect(admit({ self: 'a', members, linked: new Set(['c', 'g']), cap: 2 }, 'ab')).toEqual({ admit: true, drop: 'c' })
  })

  it('never lets the cap fall below 2 (the two ring neighbours)', () => {
    expect(admit({ self: 'a', members, linked: new Set(['c']), cap: 1 }, 'd')).toEqual({ admit: true, drop: null })
  })
})

describe('missingRingLinks', () => {
  it('names the ring neighbours that have no link yet', () => {
    expect(missingRingLinks({ self: 'c', members: ['a', 'b', 'd'], linked: new Set(['b']), cap: 2 })).toEqual(['d'])
    expect(missingRingLinks({ self: 'c', members: ['a', 'b', 'd'], linked: new Set(['b', 'd']), cap: 2 })).toEqual([])
  })
})

/**
 * A room where every member knows every other, and members meet in a random order: a
 * meeting links the two if both admit it (each dropping what its policy names). Then
 * each member seeks its missing ring links, as PeerMesh's review does.
 */
function settle(ids: string[], cap: number, meetings: Array<[number, number]>): Map<string, Set<string>> {
  const links = new Map(ids.map((id) => [id, new Set<string>()]))
  const unlink = (a: string, b: string) => {
    links.get(a)!.delete(b)
    links.get(b)!.delete(a)
  }
  const meet = (a: string, b: string) => {
    if (a === b || links.get(a)!.has(b)) return
    const va = admit({ self: a, members: ids, linked: links.get(a)!, cap }, b)
    const vb = admit({ self: b, members: ids, linked: links.get(b)!, cap }, a)
    if (!va.admit) return
    if (!vb.admit) return // b declines; a made no room for it
    if (va.drop) unlink(a, va.drop)
    if (vb.drop) unlink(b, vb.drop)
    links.get(a)!.add(b)
    links.get(b)!.add(a)
  }
  for (const [i, j] of meetings) meet(ids[i % ids.length]!, ids[j % ids.length]!)
  for (let round = 0; round < 3; round++) {
    for (const a of ids) for (const b of missingRingLinks({ self: a, members: ids, linked: links.get(a)!, cap })) meet(a, b)
  }
  return links
}

function connected(links: Map<string, Set<string>>): boolean {
  const [first] = links.keys()
  if (first === undefined) return true
  const seen = new Set([first])
  const todo = [first]
  while (todo.length > 0) for (const n of links.get(todo.pop()!)!) if (!seen.has(n) && seen.add(n)) todo.push(n)
  return seen.size === links.size
}

describe('a room of members applying the policy', () => {
  it('ends connected, with no member over its cap, whatever order they meet in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{6}$/), { minLength: 2, maxLength: 40 }),
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 400 }),
        (ids, cap, meetings) => {
          const links = settle(ids, cap, meetings)
          expect(connected(links)).toBe(true)
          for (const [id, peers] of links) expect(peers.size, `${id} has ${peers.size} links`).toBeLessThanOrEqual(cap)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('links everyone to everyone while the room is no bigger than the cap', () => {
    const ids = ['a', 'b', 'c', 'd']
    const all: Array<[number, number]> = []
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) all.push([i, j])
    const links = settle(ids, 5, all)
    for (const peers of links.values()) expect(peers.size).toBe(3)
  })
})
