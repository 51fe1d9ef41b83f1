/**
 * The Node half of the sync suite: reconciliation cost between two replicas that each
 * hold k events the other lacks, on n shared events written by 10 replicas.
 *
 *   linked-before  A and B are two of the 10 writers (w1, w2); B got the newest
 *                  `priorLinkEvents` shared events from A over an earlier A–B link
 *                  (a real session on the same CountingLink, not counted), then the link
 *                  closed, both edited offline, and it reopens: that session is measured.
 *   never-linked   the shared history was written by 10 other replicas and reached A and
 *                  B through other peers (committed into both stores directly); A and B
 *                  (replicas 11 and 12) edit offline and link for the first time.
 *
 * Both sides are ReplicaNodes over MemoryEventStore: SqliteEventStore on in-memory
 * wa-sqlite commits ~5k events/s here (core.json), ~20 s per 100k-event log and 36 logs
 * per run, and would not change a byte on the wire.
 * Round trips: see counting-link.ts. Bytes: every frame both ways; payload = the encoded
 * bytes of the 2k missing events, each counted once when first delivered to the side
 * that lacked it; overhead = total − payload (handshake, catch-up counts, CBOR framing
 * of events frames, wants, anything sent twice or not needed).
 * The seed's approach — each side sends its whole log on connect — costs the encoded
 * bytes of both logs, (n + k) events each way (its own framing not even counted).
 */
import { MemoryEventStore } from '../../../shared/memory-event-store.ts'
import { encodeEvent, eventIdOf } from '../../../shared/event-codec.ts'
import type { EventId, RoomId, TodoId } from '../../../shared/ids.ts'
import type { TodoEvent } from '../../../shared/event.ts'
import { parseMessage } from '../../../shared/sync/messages.ts'
import { replica } from '../../helpers/fixtures.ts'
import { TodoLog } from '../../../shared/todo-log.ts'
import { type TodoState, foldTodo } from '../../../shared/todo-fold.ts'
import { sortEvents } from '../../../shared/order.ts'
import { CountingLink, type Session, type Side } from './counting-link.ts'
import { sharedHistory, sideActions } from './sync-history.ts'
import type { SyncConfig } from './config.ts'

export type ReconcileCase = 'linked-before' | 'never-linked'
export const RECONCILE_CASES: readonly ReconcileCase[] = ['linked-before', 'never-linked']

export interface ReconcileSample {
  halfTrips: number
  convergedHalfTrips: number
  frames: number
  bytes: number
  /** Encoded bytes of the 2k missing events, each counted once. */
  payloadBytes: number
  overheadBytes: number
  /** Frames and bytes per message type, both directions. */
  byType: Record<string, { frames: number; bytes: number }>
  /** Events that crossed the link although the receiver had them (or got them before). */
  needlessEvents: number
  /** Whole-log exchange: encoded bytes of (n + k) events each way. */
  seedBytes: number
}

export interface ReconcileResult {
  case: ReconcileCase
  n: number
  k: number
  samples: ReconcileSample[]
  meanRoundTrips: number
  meanOverheadBytes: number
  meanBytes: number
  meanSeedBytes: number
}

const ROOM = 'a5'.repeat(16) as RoomId

/** One shared history, prepared once for every session on it. */
interface Prepared {
  events: TodoEvent[]
  todos: TodoId[]
  /** Encoded bytes of all of it. */
  sharedBytes: number
  /** The whole history, and the part B held before its earlier link to A: sorted, with lww states. */
  full: { sorted: TodoEvent[]; states: TodoState[] }
  beforePriorLink: { sorted: TodoEvent[]; states: TodoState[] }
  prior: number
}

/** What the suite needs to know of each shared history (the Chromium half rebuilds the same one). */
export interface HistoryInfo {
  n: number
  lastEventId: EventId
  meanEventBytes: number
}

export async function runReconcile(
  config: SyncConfig,
  progress: (text: string) => void,
): Promise<{ results: ReconcileResult[]; histories: HistoryInfo[] }> {
  const results: ReconcileResult[] = []
  const histories: HistoryInfo[] = []
  for (const n of config.reconcileSizes) {
    progress(`generating ${n} shared events by 10 writers`)
    const history = sharedHistory(config.seed, n)
    const prior = Math.min(config.priorLinkEvents, Math.floor(n / 10))
    const prepared: Prepared = {
      ...history,
      sharedBytes: history.events.reduce((sum, e) => sum + encodeEvent(e).byteLength, 0),
      full: snapshot(history.events),
      beforePriorLink: snapshot(history.events.slice(0, n - prior)),
      prior,
    }
    histories.push({ n, lastEventId: history.events.at(-1)!.id, meanEventBytes: prepared.sharedBytes / n })
    for (const kind of RECONCILE_CASES) {
      for (const k of config.reconcileNew) {
        progress(`reconcile ${kind}, n = ${n}, k = ${k} (${config.reconcileReps} sessions)`)
        const samples: ReconcileSample[] = []
        for (let rep = 0; rep < config.reconcileReps; rep++) samples.push(await reconcileOnce(config, kind, prepared, k, rep))
        const mean = (pick: (s: ReconcileSample) => number) => samples.reduce((sum, s) => sum + pick(s), 0) / samples.length
        results.push({
          case: kind,
          n,
          k,
          samples,
          meanRoundTrips: mean((s) => s.halfTrips / 2),
          meanOverheadBytes: mean((s) => s.overheadBytes),
          meanBytes: mean((s) => s.bytes),
          meanSeedBytes: mean((s) => s.seedBytes),
        })
      }
    }
  }
  return { results, histories }
}

/** Events in (lamport, id) order with the lww todo states they materialize to. */
function snapshot(events: readonly TodoEvent[]): { sorted: TodoEvent[]; states: TodoState[] } {
  const sorted = sortEvents(events)
  const byTodo = new Map<TodoId, TodoEvent[]>()
  for (const e of sorted) {
    const list = byTodo.get(e.todo)
    if (list) list.push(e)
    else byTodo.set(e.todo, [e])
  }
  return { sorted, states: [...byTodo].map(([id, list]) => foldTodo(id, list)) }
}

/** A TodoLog over a fresh MemoryEventStore holding `snap` (one commit, no replay). */
async function openLog(snap: { sorted: TodoEvent[]; states: TodoState[] }): Promise<TodoLog> {
  const store = new MemoryEventStore()
  await TodoLog.open(store) // records the interpretation (lww) on the empty store
  await store.commit(snap.sorted, snap.states)
  return TodoLog.open(store)
}

async function reconcileOnce(config: SyncConfig, kind: ReconcileCase, p: Prepared, k: number, rep: number): Promise<ReconcileSample> {
  const n = p.events.length
  const linked = kind === 'linked-before'
  const logA = await openLog(p.full)
  const logB = await openLog(linked ? p.beforePriorLink : p.full)
  const link = new CountingLink(ROOM, {
    A: { replica: linked ? replica(1) : replica(11), log: logA },
    B: { replica: linked ? replica(2) : replica(12), log: logB },
  })

  if (linked) {
    const earlier = await link.session()
    if (earlier.stored.B !== p.prior || (await logB.store.count()) !== n) {
      throw new Error(`the earlier A–B link delivered ${earlier.stored.B} of ${p.prior} events`)
    }
  }

  const seed = config.seed + 7919 * k + 2 * rep
  const newA = await link.nodes.A.actMany(sideActions(seed, k, p.todos, 1_000_000))
  const newB = await link.nodes.B.actMany(sideActions(seed + 1, k, p.todos, 2_000_000))
  const sizes = (list: readonly TodoEvent[]) => new Map(list.map((e) => [e.id, encodeEvent(e).byteLength]))
  /** What each side lacks, with each event's encoded size. */
  const missing: Record<Side, Map<EventId, number>> = { A: sizes(newB), B: sizes(newA) }
  const newBytes = [...missing.A.values(), ...missing.B.values()].reduce((a, b) => a + b, 0)

  const session = await link.session()
  const sample = analyse(session, missing)
  sample.seedBytes = 2 * p.sharedBytes + newBytes

  // Converged: the same events (equal heads of causally closed logs, equal counts) and the
  // same states for every todo the new events touched (the others were committed equal).
  const [headsA, headsB] = [await logA.store.heads(), await logB.store.heads()]
  const [countA, countB] = [await logA.store.count(), await logB.store.count()]
  const touched = new Set([...newA, ...newB].map((e) => e.todo))
  const statesDiffer = [...touched].some((t) => JSON.stringify(logA.todo(t)) !== JSON.stringify(logB.todo(t)))
  const what = `${kind} n=${n} k=${k}`
  if (sample.payloadBytes !== newBytes || countA !== n + 2 * k || countB !== n + 2 * k || headsA.join() !== headsB.join() || statesDiffer) {
    throw new Error(`${what}: peers did not converge (${countA} / ${countB} events; warnings: ${link.warnings.join('; ')})`)
  }
  if (link.warnings.length > 0) throw new Error(`${what}: engine warnings: ${link.warnings.join('; ')}`)
  return sample
}

function analyse(session: Session, missing: Record<Side, Map<EventId, number>>): ReconcileSample {
  const byType: ReconcileSample['byType'] = {}
  const delivered = new Set<EventId>()
  let bytes = 0
  let payloadBytes = 0
  let needlessEvents = 0
  for (const f of session.frames) {
    bytes += f.bytes.byteLength
    const parsed = parseMessage(f.bytes)
    const type = parsed.type === 'ok' ? parsed.message.type : parsed.type
    const entry = (byType[type] ??= { frames: 0, bytes: 0 })
    entry.frames++
    entry.bytes += f.bytes.byteLength
    if (parsed.type !== 'ok' || parsed.message.type !== 'events') continue
    const lacks = missing[f.from === 'A' ? 'B' : 'A']
    for (const encoded of parsed.message.events) {
      const id = eventIdOf(encoded)
      if (lacks.has(id) && !delivered.has(id)) {
        delivered.add(id)
        payloadBytes += encoded.byteLength
      } else {
        needlessEvents++
      }
    }
  }
  return {
    halfTrips: session.halfTrips,
    convergedHalfTrips: session.convergedHalfTrips,
    frames: session.frames.length,
    bytes,
    payloadBytes,
    overheadBytes: bytes - payloadBytes,
    byType,
    needlessEvents,
    seedBytes: 0,
  }
}

/** HistoryInfo of a history the reconcile grid did not build. */
export function describeHistory(seed: number, n: number): HistoryInfo {
  const { events } = sharedHistory(seed, n)
  const bytes = events.reduce((sum, e) => sum + encodeEvent(e).byteLength, 0)
  return { n, lastEventId: events.at(-1)!.id, meanEventBytes: bytes / n }
}
