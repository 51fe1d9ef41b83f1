/**
 * Lays out a window of the event DAG for drawing: one row per event, in (lamport, id)
 * order, and a lane (column) per line of descent.
 *
 *   row 3   ●   merge: takes the lane of its first parent that is a lane tip,
 *           │╲  and frees the lanes of the other parents it merges in
 *   row 2   │ ●  fork: the second child of e1 finds e1 no longer a tip → a free lane
 *   row 1   ● │
 *           │╱
 *   row 0   ●  e1
 *
 * The algorithm is deterministic (same window, same picture on every peer): walk the
 * events in order; each takes the lane of the first of its parents (in `parents` order)
 * that is still the tip of a lane, else the lowest free lane, else a new one. Parents it
 * merges from other lanes free those lanes. Parents outside the window become stubs: a
 * short edge leaving the node towards older history.
 */
import type { TodoEvent } from '../../../shared/event.ts'
import { sortEvents } from '../../../shared/order.ts'

export interface DagNodeLayout {
  event: TodoEvent
  /** 0 = oldest event of the window. */
  row: number
  lane: number
  /** No stored event names it as a parent. */
  head: boolean
}

/**
 * An edge parent → child, both inside the window. `kind` says which lane is clear
 * between them, for drawing: `straight` (the child continues the parent's lane), `merge`
 * (the parent was its lane's tip until the child merged it: run up that lane, then bend
 * into the child) or `fork` (the parent's lane moved on: bend at the parent, then run
 * up the child's lane).
 */
export interface DagEdgeLayout {
  parent: DagNodeLayout
  child: DagNodeLayout
  kind: 'straight' | 'merge' | 'fork'
}

export interface DagLayout {
  nodes: DagNodeLayout[]
  edges: DagEdgeLayout[]
  /** Nodes with at least one parent outside the window (older history continues there). */
  stubs: DagNodeLayout[]
  /** Number of lanes used: the drawing's width in lanes. */
  lanes: number
}

/** The layout of `events` (any order in; drawn in (lamport, id) order). */
export function layoutDag(events: readonly TodoEvent[], heads: readonly string[]): DagLayout {
  const headSet = new Set(heads)
  const sorted = sortEvents(events)
  const byId = new Map<string, DagNodeLayout>()
  /** Per lane, the id of its latest event, or null while the lane is free. */
  const tips: Array<string | null> = []
  const nodes: DagNodeLayout[] = []
  const edges: DagEdgeLayout[] = []
  const stubs: DagNodeLayout[] = []

  sorted.forEach((event, row) => {
    const continued = event.parents.find((p) => tipLane(tips, p) >= 0)
    let lane = continued === undefined ? -1 : tipLane(tips, continued)
    const merged = new Set<string>()
    for (const p of event.parents) {
      const from = tipLane(tips, p)
      if (p !== continued && from >= 0) {
        tips[from] = null
        merged.add(p)
      }
    }
    if (lane < 0) lane = tips.indexOf(null)
    if (lane < 0) lane = tips.length
    tips[lane] = event.id

    const node: DagNodeLayout = { event, row, lane, head: headSet.has(event.id) }
    byId.set(event.id, node)
    nodes.push(node)
    let outside = false
    for (const p of event.parents) {
      const parent = byId.get(p)
      if (parent) edges.push({ parent, child: node, kind: p === continued ? 'straight' : merged.has(p) ? 'merge' : 'fork' })
      else outside = true
    }
    if (outside) stubs.push(node)
  })
  return { nodes, edges, stubs, lanes: Math.max(1, tips.length) }
}

function tipLane(tips: ReadonlyArray<string | null>, id: string): number {
  return tips.indexOf(id)
}
