/**
 * Which WebRTC links a tab keeps when a room outgrows its link cap (issue 4: "at most N
 * WebRTC links per tab, peers chosen so the mesh stays connected"). Pure: no DOM, no
 * simple-peer; PeerMesh asks it before every link it would make or accept.
 *
 * The rule, in two parts:
 *  1. Ring: order the members a tab knows (itself included) by id, as a circle. Each tab
 *     always takes a link with its two ring neighbours (successor and predecessor),
 *     dropping another link if it is at the cap. Being neighbours is symmetric, so both
 *     ends want the link, and the ring edges alone connect every member, for any cap ≥ 2.
 *  2. Anyone else: first come, first linked, while under the cap (small rooms: everyone
 *     links to everyone, as before). At the cap, others are declined.
 * Events gossip across links (sync-engine.ts), so a connected mesh is all that
 * convergence needs; extra links beyond the ring only shorten paths.
 *
 * Why not y-webrtc's rule (link to whoever comes, up to 20 + random(0..14))? It bounds
 * links but not partitions: once every tab of a group is full, a newcomer can be refused
 * by all of them. The ring gives every member two links that nobody can refuse.
 */

/** The fewest links a cap may allow: the two ring neighbours. */
export const MIN_LINK_CAP = 2

/** The successor and predecessor of `self` among `members` in id order (one if only one other). */
export function ringNeighbours(self: string, members: Iterable<string>): string[] {
  const others = [...new Set(members)].filter((m) => m !== self).sort()
  if (others.length === 0) return []
  const after = others.find((m) => m > self) ?? others[0]!
  const before = [...others].reverse().find((m) => m < self) ?? others[others.length - 1]!
  return after === before ? [after] : [after, before]
}

export interface LinkState {
  self: string
  /** Other room members this tab knows of (heard within the presence TTL). */
  members: Iterable<string>
  /** Peers with a link, open or being negotiated. */
  linked: ReadonlySet<string>
  cap: number
}

/** Whether to link with `peer` and, if that needs room, which link to drop first. */
export type Admission = { admit: true; drop: string | null } | { admit: false }

/** Decides on a link with `peer` (an announce to answer, an offer to accept). */
export function admit(state: LinkState, peer: string): Admission {
  const cap = Math.max(MIN_LINK_CAP, state.cap)
  if (state.linked.has(peer) || state.linked.size < cap) return { admit: true, drop: null }
  const ring = ringNeighbours(state.self, [...state.members, peer])
  if (!ring.includes(peer)) return { admit: false }
  // At the cap, a ring neighbour displaces a link that is not a ring edge. Of those, the
  // one farthest from us around the ring: it shortens paths the least.
  const candidates = [...state.linked].filter((p) => !ring.includes(p))
  if (candidates.length === 0) return { admit: true, drop: null } // only under a stale member view
  const distance = (p: string) => ringDistance(state.self, p, [...state.members, peer])
  const drop = candidates.reduce((far, p) => (distance(p) > distance(far) ? p : far))
  return { admit: true, drop }
}

/** Ring neighbours of `self` with no link yet: the links to seek out. */
export function missingRingLinks(state: LinkState): string[] {
  return ringNeighbours(state.self, state.members).filter((p) => !state.linked.has(p))
}

/** Steps between `a` and `b` around the id-ordered circle of `members` (and `a`), the shorter way. */
function ringDistance(a: string, b: string, members: Iterable<string>): number {
  const circle = [...new Set([a, ...members])].sort()
  const i = circle.indexOf(a)
  const j = circle.indexOf(b)
  if (j < 0) return circle.length
  const d = Math.abs(i - j)
  return Math.min(d, circle.length - d)
}
