/**
 * SimNetwork: a seeded, step-by-step network of ReplicaNodes for the sync simulator
 * (after Yjs's tests/testHelper.js TestConnector). Nothing moves unless the test says so:
 * frames wait in flight until `deliverRandom` picks one, so a schedule of single steps
 * (deliver, edit, drop, duplicate, partition, heal) replays exactly from its seed.
 *
 *   node a ──send──▶ channel a>b [open, f1, f2, …] ──deliver head──▶ node b.receive
 *   node b ──send──▶ channel b>a [open, g1, …]     ──deliver head──▶ node a.receive
 *
 * Model of a link (a WebRTC data channel: reliable and ordered):
 *  - Each direction is a FIFO channel; only its head can be delivered, so frames on one
 *    link never overtake each other, while frames on different links interleave freely.
 *  - Opening a link puts an `open` marker at the head of both channels: a node learns of
 *    the link (engine.peerConnected, which sends hello) before any frame from the peer.
 *  - Loss is a link failure: the frame is lost, later frames still flow until the link
 *    is noticed as broken, then it is cut (both ends disconnect, everything in flight is
 *    lost) and reopened with a new generation, which re-runs the hello handshake.
 *  - Duplication re-inserts a copy of a frame further down its channel.
 * Deterministic: one PRNG, no timers (each step awaits the nodes' microtask queues), and
 * event times come from a counter, never the wall clock.
 *
 * It also audits every frame: counts and bytes by message type, and "no event crosses
 * one directed link twice in one link generation unless the receiver asked with `want`"
 * (a generation that received its peer's hello twice, through duplication, is exempt).
 */
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import { ReplicaNode } from '../../shared/sync/replica-node.ts'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { type SyncMessage, parseMessage } from '../../shared/sync/messages.ts'
import { eventIdOf } from '../../shared/event-codec.ts'
import type { EventId, RoomId, TodoId } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import { recordingLogger } from '../../shared/log.ts'
import { replica, rng } from './fixtures.ts'

export interface SimNode {
  name: string
  node: ReplicaNode
  warnings: string[]
  /** Every event this node authored. */
  authored: TodoEvent[]
}

/**
 * A duplicated events frame in the middle of a catch-up counts twice toward the announced
 * total, so the receiver checks the sender's heads early and asks for the ones still on
 * their way (a `want`, answered with events it then drops as duplicates). Data channels
 * never duplicate; the simulator does, to test idempotence, and excuses this warning.
 */
const DUPLICATE_COUNTED = /heads still unknown after catch-up/

interface Link {
  a: string
  b: string
  /** Bumped on every open and cut; frames and audit records belong to one generation. */
  gen: number
  up: boolean
  /** Lost a frame since it was last opened: must be cut and reopened to repair. */
  broken: boolean
  /** Cut by the current partition (heal reopens it). */
  partitioned: boolean
  /** Cut, and its ends not yet through their disconnect input (see #send). */
  cutting?: boolean
  /** Delivered a duplicated events frame since it was last opened (see #classifyWarnings). */
  duplicated?: boolean
}

/** A frame is parsed once, when sent: `what` for the trace, `message` for the audit. */
type Frame = { kind: 'frame'; gen: number; bytes: Uint8Array; copy: boolean; what: string; message: SyncMessage | null }
type Item = { kind: 'open'; gen: number } | Frame

export interface SimStats {
  frames: number
  bytes: number
  byType: Record<string, { frames: number; bytes: number }>
  eventsSent: number
  lost: number
  duplicated: number
  partitions: number
  reopened: number
  /** Times a sender's transport queue was declared backlogged (ReplicaNode.backlog). */
  backlogs: number
  edits: number
  /** Sends the audit let through only because the peer's hello had been duplicated. */
  exemptResends: number
  /** Warnings the network was told to expect (the engine's answer to an injected fault). */
  toleratedWarnings: number
  /** Warnings on links that had lost a frame (expected until the link is repaired). */
  excusedWarnings: number
}

export const emptyStats = (): SimStats => ({
  frames: 0,
  bytes: 0,
  byType: {},
  eventsSent: 0,
  lost: 0,
  duplicated: 0,
  partitions: 0,
  reopened: 0,
  backlogs: 0,
  edits: 0,
  exemptResends: 0,
  toleratedWarnings: 0,
  excusedWarnings: 0,
})

/** Adds `b` into `a` (for totals over many schedules). */
export function addStats(a: SimStats, b: SimStats): void {
  for (const k of ['frames', 'bytes', 'eventsSent', 'lost', 'duplicated', 'partitions', 'reopened', 'backlogs', 'edits', 'exemptResends', 'toleratedWarnings', 'excusedWarnings'] as const) {
    a[k] += b[k]
  }
  for (const [t, s] of Object.entries(b.byType)) {
    const into = (a.byType[t] ??= { frames: 0, bytes: 0 })
    into.frames += s.frames
    into.bytes += s.bytes
  }
}

/** A fixed room, so schedules replay byte for byte. */
export const SIM_ROOM = '5e'.repeat(16) as RoomId

export class SimNetwork {
  readonly random: () => number
  readonly nodes: SimNode[] = []
  readonly stats: SimStats = emptyStats()
  /** Audit failures, each with the step it happened at. */
  readonly violations: string[] = []
  readonly #links = new Map<string, Link>()
  readonly #channels = new Map<string, Item[]>()
  /** Per directed link generation: event id → times sent / times requested by `want`. */
  readonly #sent = new Map<string, Map<EventId, number>>()
  readonly #wanted = new Map<string, Map<EventId, number>>()
  readonly #hellos = new Map<string, number>()
  /** Directed links ("from>to") whose sender was told its transport queue is backlogged. */
  readonly #backlogged = new Set<string>()
  readonly #trace: string[] = []
  #step = 0
  #time = 1_700_000_000_000
  #todos = 0

  readonly #tolerate: RegExp | null
  /** Per node: how many of its warnings were already classified. */
  readonly #classified = new Map<string, number>()

  /** `tolerate`: warnings that are the expected answer to an injected fault, counted instead of failed. */
  constructor(seed: number, { tolerate }: { tolerate?: RegExp } = {}) {
    this.random = rng(seed)
    this.#tolerate = tolerate ?? null
  }

  /**
   * Events per page of a streamed catch-up for nodes added from now on (undefined: the
   * engine's default, which no simulated log reaches; small pages stream every catch-up).
   */
  catchUpPage: number | undefined = undefined
  /** The window at a catch-up's start for nodes added from now on (undefined: the engine's default). */
  catchUpFirst: number | undefined = undefined

  /** Adds a node with replica id replica(index + 1). */
  async addNode(name: string): Promise<SimNode> {
    const logger = recordingLogger()
    const log = await TodoLog.open(new MemoryEventStore())
    const node = new ReplicaNode({
      replica: replica(this.nodes.length + 1),
      room: SIM_ROOM,
      log,
      logger,
      send: (peer, bytes) => this.#send(name, peer, bytes),
      catchUpPage: this.catchUpPage,
      catchUpFirst: this.catchUpFirst,
    })
    const entry: SimNode = { name, node, warnings: logger.warnings, authored: [] }
    this.nodes.push(entry)
    return entry
  }

  /** Declares a link and opens it (the open markers still have to be delivered). */
  addLink(a: string, b: string): void {
    const link: Link = { a, b, gen: 0, up: false, broken: false, partitioned: false }
    this.#links.set(linkKey(a, b), link)
    this.#open(link)
  }

  links(): readonly Link[] {
    return [...this.#links.values()]
  }

  /** Frames and open markers still in flight. */
  inFlight(): number {
    let n = 0
    for (const q of this.#channels.values()) n += q.length
    return n
  }

  /** The last `n` steps, one line each. */
  trace(n = 25): string {
    return this.#trace.slice(-n).join('\n')
  }

  note(line: string): void {
    this.#step++
    this.#trace.push(`#${this.#step} ${line}`)
    if (this.#trace.length > 20_000) this.#trace.splice(0, 10_000)
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!
  }

  /** A fresh todo id, deterministic per schedule. */
  newTodo(): TodoId {
    this.#todos++
    return `7d${this.#todos.toString(16).padStart(30, '0')}` as TodoId
  }

  /**
   * Local actions on `n`, timed by the schedule's clock: one goes through `act`, several
   * through `actMany` (one transaction, one push to peers).
   */
  async edit(n: SimNode, actions: ReadonlyArray<{ todo: TodoId; type: string; value: EventValue }>): Promise<void> {
    const timed = actions.map((a) => ({ ...a, time: (this.#time += 1 + Math.floor(this.random() * 1000)) }))
    const events =
      timed.length === 1 ? [await n.node.act(timed[0]!.todo, timed[0]!.type, timed[0]!.value, timed[0]!.time)] : await n.node.actMany(timed)
    n.authored.push(...events)
    this.stats.edits += events.length
    const what = events.map((e) => `${e.type} ${e.todo.slice(-4)} → ${e.id.slice(0, 8)}`).join('; ')
    this.note(`edit ${n.name} ${what}`)
    this.#classifyWarnings(n, false)
  }

  /** Delivers the head of the channel holding a random in-flight item. Returns false if none. */
  async deliverRandom(): Promise<boolean> {
    // Uniform over in-flight items, so busy channels are served more often.
    const total = this.inFlight()
    if (total === 0) return false
    let at = Math.floor(this.random() * total)
    let key = ''
    for (const [k, q] of this.#channels) {
      if (at < q.length) {
        key = k
        break
      }
      at -= q.length
    }
    const item = this.#channels.get(key)!.shift()!
    const [from, to] = key.split('>') as [string, string]
    const node = this.#node(to).node
    if (item.kind === 'open') {
      this.note(`open ${to}←${from}`)
      await node.connect(from as PeerId)
    } else {
      this.note(`deliver ${from}→${to} ${item.what}${item.copy ? ' (copy)' : ''}`)
      if (item.message?.type === 'want') {
        const asked = mapOf(this.#wanted, `${to}>${from}#${item.gen}`)
        for (const id of item.message.ids) asked.set(id, (asked.get(id) ?? 0) + 1)
      }
      if (item.message?.type === 'hello') {
        const k = `${to}>${from}#${item.gen}`
        this.#hellos.set(k, (this.#hellos.get(k) ?? 0) + 1)
      }
      if (item.copy && item.message?.type === 'events') this.#links.get(linkKey(from, to))!.duplicated = true
      await node.receive(from as PeerId, item.bytes)
    }
    await node.idle()
    // A link that lost a frame keeps delivering the frames after it until it is repaired:
    // "events before hello dropped" and the like are then the expected reaction.
    const link = this.#links.get(linkKey(from, to))!
    this.#classifyWarnings(this.#node(to), link.broken, link.duplicated ? DUPLICATE_COUNTED : null)
    return true
  }

  /** Loses a random in-flight frame; its link is now broken until cut and reopened. */
  dropRandom(): void {
    const frames = this.#frames()
    if (frames.length === 0) return
    const [key, item] = this.pick(frames)
    const q = this.#channels.get(key)!
    q.splice(q.indexOf(item), 1)
    const [from, to] = key.split('>') as [string, string]
    this.#links.get(linkKey(from, to))!.broken = true
    this.stats.lost++
    this.note(`drop ${from}→${to} ${item.what}`)
  }

  /** Delivers a copy of a random in-flight frame again, later on the same channel. */
  duplicateRandom(): void {
    const frames = this.#frames()
    if (frames.length === 0) return
    const [key, item] = this.pick(frames)
    const q = this.#channels.get(key)!
    const at = q.indexOf(item) + 1 + Math.floor(this.random() * (q.length - q.indexOf(item)))
    q.splice(at, 0, { ...item, copy: true })
    this.stats.duplicated++
    this.note(`duplicate ${key} ${item.what}`)
  }

  /** Cuts every open link between two random non-empty groups. */
  async partition(): Promise<void> {
    const names = this.nodes.map((n) => n.name)
    const side = new Set(names.filter(() => this.random() < 0.5))
    if (side.size === 0) side.add(this.pick(names))
    if (side.size === names.length) side.delete(this.pick(names))
    this.stats.partitions++
    this.note(`partition {${[...side].join(',')}} | {${names.filter((n) => !side.has(n)).join(',')}}`)
    for (const link of this.#links.values()) {
      if (link.up && side.has(link.a) !== side.has(link.b)) {
        link.partitioned = true
        await this.#cut(link)
      }
    }
  }

  /**
   * The transport queue of a random open link, one way, fills up: its sender's streamed
   * catch-up on it pauses (ReplicaNode.backlog) until `drainRandom` or `settle`.
   */
  backlogRandom(): void {
    const up = [...this.#links.values()].filter((l) => l.up)
    if (up.length === 0) return
    const link = this.pick(up)
    const [from, to] = this.random() < 0.5 ? [link.a, link.b] : [link.b, link.a]
    if (this.#backlogged.has(`${from}>${to}`)) return
    this.#backlogged.add(`${from}>${to}`)
    this.stats.backlogs++
    this.note(`backlog ${from}>${to}`)
    this.#node(from).node.backlog(to as PeerId, true)
  }

  /** A random backlogged queue drains: its sender's stream goes on. */
  drainRandom(): void {
    if (this.#backlogged.size === 0) return
    this.#drain(this.pick([...this.#backlogged]))
  }

  #drain(key: string): void {
    const [from, to] = key.split('>') as [string, string]
    this.#backlogged.delete(key)
    this.note(`drain ${key}`)
    this.#node(from).node.backlog(to as PeerId, false)
  }

  /** Reopens every link the partitions cut. */
  async heal(): Promise<void> {
    if ([...this.#links.values()].some((l) => l.partitioned)) this.note('heal')
    for (const link of this.#links.values()) {
      if (!link.partitioned) continue
      link.partitioned = false
      this.#open(link)
    }
  }

  /** Notices a random broken link: cuts it and opens it again (unless partitioned). */
  async repairRandom(): Promise<void> {
    const broken = [...this.#links.values()].filter((l) => l.broken && l.up)
    if (broken.length === 0) return
    await this.#reopen(this.pick(broken))
  }

  /**
   * Heals, repairs every broken link (unless `repair` is false: a checker self-test),
   * then delivers everything until quiet.
   */
  async settle({ repair = true, maxSteps = 200_000 } = {}): Promise<void> {
    for (const key of [...this.#backlogged]) this.#drain(key)
    await this.heal()
    for (const link of this.#links.values()) {
      if (link.broken && link.up && repair) await this.#reopen(link)
      else if (!link.up) this.#open(link)
    }
    for (let i = 0; i < maxSteps; i++) {
      if (!(await this.deliverRandom())) {
        await Promise.all(this.nodes.map((n) => n.node.idle()))
        if (this.inFlight() === 0) return
      }
    }
    throw new Error(`network did not settle in ${maxSteps} steps`)
  }

  /** After `settle`: the convergence checks. Returns problems, empty when all hold. */
  async check(): Promise<string[]> {
    for (const n of this.nodes) this.#classifyWarnings(n, false)
    const problems = [...this.violations]
    const [first, ...rest] = this.nodes
    if (!first) return problems
    const summary = async (n: SimNode) => ({
      heads: (await n.node.log.store.heads()).join(','),
      count: await n.node.log.store.count(),
      hash: n.node.log.stateHash(),
    })
    const want = await summary(first)
    for (const n of rest) {
      const got = await summary(n)
      if (got.heads !== want.heads) problems.push(`heads of ${n.name} differ from ${first.name}`)
      if (got.count !== want.count) problems.push(`${n.name} holds ${got.count} events, ${first.name} ${want.count}`)
      if (got.hash !== want.hash) problems.push(`state hash of ${n.name} differs from ${first.name}`)
    }
    const authored = this.nodes.flatMap((n) => n.authored.map((e) => e.id))
    for (const n of this.nodes) {
      const held = await n.node.log.store.lamportsOf(authored)
      if (held.size !== authored.length) problems.push(`${n.name} lacks ${authored.length - held.size} of ${authored.length} authored events`)
      if (n.node.engine.pendingCount() > 0) problems.push(`${n.name} still holds ${n.node.engine.pendingCount()} events waiting for parents`)
    }
    return problems
  }

  /**
   * `excused`: the link lost a frame, so any warning is the expected reaction. `alsoExcused`:
   * warnings the link's other faults explain (a duplicated frame, see DUPLICATE_COUNTED).
   */
  #classifyWarnings(n: SimNode, excused: boolean, alsoExcused: RegExp | null = null): void {
    const from = this.#classified.get(n.name) ?? 0
    for (const w of n.warnings.slice(from)) {
      const why = excused ? ' (link lost a frame)' : alsoExcused?.test(w) ? ' (link duplicated a frame)' : ''
      this.note(`  ${n.name} warned: ${w}${why}`)
      if (why) this.stats.excusedWarnings++
      else if (this.#tolerate?.test(w)) this.stats.toleratedWarnings++
      else this.violations.push(`step ${this.#step}: ${n.name} warned: ${w}`)
    }
    this.#classified.set(n.name, n.warnings.length)
  }

  #frames(): Array<[string, Frame]> {
    const out: Array<[string, Frame]> = []
    for (const [key, q] of this.#channels) for (const item of q) if (item.kind === 'frame') out.push([key, item])
    return out
  }

  #node(name: string): SimNode {
    const n = this.nodes.find((x) => x.name === name)
    if (!n) throw new Error(`no node ${name}`)
    return n
  }

  #open(link: Link): void {
    link.gen++
    link.up = true
    link.broken = false
    link.duplicated = false
    this.#channels.set(`${link.a}>${link.b}`, [{ kind: 'open', gen: link.gen }])
    this.#channels.set(`${link.b}>${link.a}`, [{ kind: 'open', gen: link.gen }])
  }

  async #cut(link: Link): Promise<void> {
    for (const key of [`${link.a}>${link.b}`, `${link.b}>${link.a}`]) {
      const q = this.#channels.get(key) ?? []
      this.stats.lost += q.filter((i) => i.kind === 'frame').length
      this.#channels.set(key, [])
    }
    link.gen++
    link.up = false
    // A closed link's queue is gone with it (and ReplicaNode.disconnect ends the wait).
    this.#backlogged.delete(`${link.a}>${link.b}`)
    this.#backlogged.delete(`${link.b}>${link.a}`)
    link.cutting = true
    await Promise.all([this.#node(link.a).node.disconnect(link.b as PeerId), this.#node(link.b).node.disconnect(link.a as PeerId)])
    link.cutting = false
  }

  async #reopen(link: Link): Promise<void> {
    this.note(`reopen ${link.a}–${link.b}`)
    this.stats.reopened++
    await this.#cut(link)
    this.#open(link)
  }

  #send(from: string, to: PeerId, bytes: Uint8Array): void {
    const link = this.#links.get(linkKey(from, to))
    if (link && !link.up && link.cutting) {
      // An input queued before the node heard of the cut (a streamed catch-up's next
      // page) ran first: a real transport drops what is sent on a link that just died.
      this.stats.lost++
      return
    }
    if (!link?.up) {
      this.violations.push(`step ${this.#step}: ${from} sent to ${to} over a closed link`)
      return
    }
    const parsed = parseMessage(bytes)
    const type = parsed.type === 'ok' ? parsed.message.type : `unparsable`
    this.stats.frames++
    this.stats.bytes += bytes.byteLength
    const t = (this.stats.byType[type] ??= { frames: 0, bytes: 0 })
    t.frames++
    t.bytes += bytes.byteLength
    if (parsed.type !== 'ok') this.violations.push(`step ${this.#step}: ${from} sent an unparsable frame (${parsed.type})`)
    else if (parsed.message.type === 'events') this.#audit(`${from}>${to}#${link.gen}`, parsed.message.events)
    const message = parsed.type === 'ok' ? parsed.message : null
    const what = message ? describeMessage(message) : parsed.type
    this.#channels.get(`${from}>${to}`)!.push({ kind: 'frame', gen: link.gen, bytes, copy: false, what, message })
  }

  #audit(session: string, events: readonly Uint8Array[]): void {
    const sent = mapOf(this.#sent, session)
    const wanted = this.#wanted.get(session)
    const helloTwice = (this.#hellos.get(session) ?? 0) > 1
    for (const bytes of events) {
      // Engines only send events they stored, in canonical encoding, so the id is the hash
      // of the bytes (event-codec.ts); full validation is the receiver's job.
      const id = eventIdOf(bytes)
      this.stats.eventsSent++
      const times = (sent.get(id) ?? 0) + 1
      sent.set(id, times)
      if (times <= 1 + (wanted?.get(id) ?? 0)) continue
      if (helloTwice) this.stats.exemptResends++
      else this.violations.push(`step ${this.#step}: event ${id.slice(0, 8)} sent ${times} times over ${session} unasked`)
    }
  }
}

const linkKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`)

function mapOf<K, V>(outer: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let m = outer.get(key)
  if (!m) outer.set(key, (m = new Map()))
  return m
}

function describeMessage(m: SyncMessage): string {
  switch (m.type) {
    case 'hello':
      return `hello(clock ${m.clock.size}, heads ${m.heads.length})`
    case 'events':
      return `events[${m.events.length}]`
    case 'want':
      return `want[${m.ids.map((id) => id.slice(0, 8)).join(',')}]`
    case 'catch-up':
      return `catch-up(${m.total})`
    default:
      return m.type
  }
}
