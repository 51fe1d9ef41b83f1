/**
 * The room store: snapshots the log worker pushes, plus the actions a user can take.
 * State here is a view; the log (in the worker) is the truth. Actions send events and
 * the new state arrives as the next snapshot, so local and remote edits take one path.
 * One exception: a todo's checkbox shows what the user asked at once, until the log has
 * it (pending-toggles.ts), so quick clicks are not undone for a moment by older snapshots.
 *
 * Names: the room's name and each replica's are events in the log (shared/room-meta.ts).
 * The user's own name is a preference of this browser (rooms/own-name.ts) that each
 * replica writes into its log when it differs from what the log says.
 *
 * A change that cannot be stored raises `alert` (storage full, or another failure); the
 * change is not applied — nothing in the log is lost, the one change is refused whole.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { type ReplicaId, type TodoId, newTodoId } from '../../shared/ids.ts'
import type { EventValue } from '../../shared/event.ts'
import { ROOM_SUBJECT } from '../../shared/room-meta.ts'
import { loadOwnName, normalizeName, OWN_NAME_KEY, saveOwnName } from '../rooms/own-name.ts'
import { StorageFullError } from '../worker/storage-error.ts'
import { useRoomsStore } from './rooms.ts'
import { keepUnchanged, keepUnchangedRecord } from './keep-unchanged.ts'
import { PendingToggles } from './pending-toggles.ts'
import { PatchInParts, applyTodoPatch } from '../worker/todo-patch.ts'
import type { RoomAddress } from '../../shared/room-link.ts'
import type { ActAction, TodoView } from '../worker/protocol.ts'
import { type DagWindow, type PeerLink, type RelayedPeer, RoomSession, type SignalingStatus } from '../net/room-session.ts'
import type { ReconnectPlan } from '../net/signaling-client.ts'
import type { HistoryEntry } from '../../shared/history.ts'
import type { InterpretationName } from '../../shared/interpretations/interpretation.ts'
import { isCatchingUp } from '../../shared/sync/sync-engine.ts'

/** Something the user must know: storage full, or another failure to store or open. */
export interface RoomAlert {
  kind: 'storage-full' | 'error'
  message: string
}

export const STORAGE_FULL_CHANGE =
  'Storage is full: your last change was not saved. Everything saved before it is kept. Free some space (for example, leave rooms you no longer need from the Rooms menu) and try again.'
export const STORAGE_FULL_PEERS =
  'Storage is full: changes from other people could not be saved here. Your own saved changes are kept. Free some space (for example, leave rooms you no longer need from the Rooms menu), then reload to fetch them again.'
export const STORAGE_FULL_OPEN =
  'Storage is full: this room could not be opened. Free some space (for example, leave rooms you no longer need from the Rooms menu) and reload.'

/** The `?max-links=N` test setting (a WebRTC link cap, at least 2), if given. */
function maxLinksSetting(): number | undefined {
  const n = Number(new URLSearchParams(location.search).get('max-links'))
  return Number.isInteger(n) && n >= 2 ? n : undefined
}

export const useRoomStore = defineStore('room', () => {
  const address = ref<RoomAddress | null>(null)
  const replica = ref<ReplicaId | null>(null)
  /** The todos shown: the log's (`logTodos`), with the toggles not yet in it as asked (pending-toggles.ts). */
  const todos = shallowRef<readonly TodoView[]>([])
  /** The todos as the log's snapshots and patches give them. */
  let logTodos: readonly TodoView[] = []
  let toggles = new PendingToggles()
  const showTodos = (): void => void (todos.value = toggles.overlay(logTodos))
  const eventCount = ref(0)
  const signaling = ref<SignalingStatus>('connecting')
  const peers = ref<PeerLink[]>([])
  /** Members reached only through other members (gossip), not linked directly. */
  const relayed = ref<RelayedPeer[]>([])
  /** The signaling server's next reconnection attempt, while one is waiting. */
  const reconnect = ref<ReconnectPlan | null>(null)
  /** Catch-up progress; `expected` is 0 when no catch-up is under way. */
  const progress = ref({ received: 0, expected: 0 })
  /**
   * Snapshots received. The log worker waits while the UI draws each one (worker/ui-yield.ts),
   * so the frame after a new snapshot is one where the UI thread need not share a core with it.
   */
  const snapshots = ref(0)
  /** A catch-up from a peer is under way. */
  const catchingUp = computed(() => isCatchingUp(progress.value))
  const interpretation = ref<InterpretationName>('lww')
  const stateHash = ref('')
  const alert = ref<RoomAlert | null>(null)
  /** The room's name from its log ('' if unnamed). */
  const roomName = ref('')
  /** Names replicas gave themselves in the log, by replica id. */
  const peerNames = shallowRef<Record<string, string>>({})
  /** Which replica each link reaches ("webrtc:<id>" → replica), once its hello arrived. */
  const linkReplicas = shallowRef(new Map<string, ReplicaId>())
  /** The name this browser's user goes by (saved here; written into each room's log). */
  const ownName = ref(loadOwnName(localStorage))
  const rooms = useRoomsStore()
  const ready = computed(() => replica.value !== null)
  /**
   * Every visible todo counted, by the worker. `todos` may hold fewer: during a catch-up
   * the worker sends only the first page of new todos, the rest when it is over
   * (worker/log-worker.ts uiHeld).
   */
  const counts = shallowRef({ total: 0, active: 0 })
  const remaining = computed(() => counts.value.active)
  const completedCount = computed(() => counts.value.total - counts.value.active)
  const allCompleted = computed(() => counts.value.total > 0 && counts.value.active === 0)
  /** The lists in use, sorted, for suggestions when moving a todo. */
  const lists = shallowRef<readonly string[]>([])
  let session: RoomSession | null = null
  /** The parts of a todo patch received so far, until the snapshot that ends it. */
  let patchInParts: PatchInParts | null = null

  function join(next: RoomAddress): void {
    leave()
    address.value = next
    rooms.remember(next)
    const forbidden = new URLSearchParams(location.search).getAll('forbid')
    session = new RoomSession(
      next,
      {
        snapshot: (s) => {
          const parts = patchInParts
          patchInParts = null
          if (parts && Array.isArray(s.todos)) console.warn('[room] patch parts before a full list dropped')
          // Unchanged items keep their object, so Vue re-renders only the changed ones.
          if (Array.isArray(s.todos)) logTodos = keepUnchanged(logTodos, s.todos)
          else logTodos = parts ? parts.finish(s.todos) : applyTodoPatch(logTodos, s.todos)
          toggles.settle()
          showTodos()
          if (s.counts.total !== counts.value.total || s.counts.active !== counts.value.active) counts.value = s.counts
          if (s.lists.join('\n') !== lists.value.join('\n')) lists.value = s.lists // unchanged: no re-render
          eventCount.value = s.eventCount
          interpretation.value = s.interpretation
          stateHash.value = s.stateHash ?? '' // null: not in this snapshot (client/worker/state-hash-pace.ts); a later one has it
          peerNames.value = keepUnchangedRecord(peerNames.value, s.peerNames)
          if (s.roomName !== roomName.value) {
            roomName.value = s.roomName
            rooms.noteName(next.room, s.roomName)
          }
          void writeOwnName()
          snapshots.value++
        },
        // Applied as it arrives, not all in the task of the snapshot it belongs to.
        snapshotPart: (changed) => (patchInParts ??= new PatchInParts(logTodos)).add(changed),
        progress: (received, expected) => (progress.value = { received, expected }),
        replica: (id) => (replica.value = id),
        signaling: (s) => (signaling.value = s),
        peers: (ids) => (peers.value = ids),
        relayed: (ids) => (relayed.value = ids),
        reconnect: (plan) => (reconnect.value = plan),
        replicas: (byLink) => (linkReplicas.value = byLink),
        peerChangesFailed: (message, full) =>
          (alert.value = full
            ? { kind: 'storage-full', message: STORAGE_FULL_PEERS }
            : { kind: 'error', message: `Changes from other people could not be saved: ${message}. Reload to fetch them again.` }),
        fatal: (message, full) => (alert.value = full ? { kind: 'storage-full', message: STORAGE_FULL_OPEN } : { kind: 'error', message }),
      },
      {
        forbidden,
        selfId: new URLSearchParams(location.search).get('peer') ?? undefined,
        maxLinks: maxLinksSetting(),
        // `?sync-channel=ui`: sync frames through the UI thread, as where channels cannot be transferred.
        channelsToWorker: new URLSearchParams(location.search).get('sync-channel') !== 'ui',
      },
    )
  }

  /** A todo's audit trail (see shared/history.ts). */
  function history(todo: TodoId): Promise<HistoryEntry[]> {
    return session ? session.history(todo) : Promise.resolve([])
  }

  /** A window of the DAG for the DAG view. */
  function dag(limit: number, before: { lamport: number; id: string } | null = null): Promise<DagWindow> {
    return session ? session.dag(limit, before) : Promise.resolve({ events: [], heads: [], total: 0 })
  }

  /** Test and benchmark hook (window.peerlogDebug in main.ts): author `count` events. */
  function generate(count: number): void {
    session?.generate(count)
  }

  /** Test hook (window.peerlogDebug): this tab's peer id, and dropping one WebRTC link. */
  const debug = {
    selfId: (): string | null => session?.selfId ?? null,
    dropLink: (peer: string): void => session?.dropLink(peer),
  }

  /** Reads the same log another way (the worker rebuilds its view; the log is untouched). */
  function interpret(name: InterpretationName): void {
    session?.interpret(name)
  }

  function leave(): void {
    session?.close()
    session = null
    patchInParts = null
    address.value = null
    replica.value = null
    logTodos = []
    todos.value = []
    toggles = new PendingToggles()
    counts.value = { total: 0, active: 0 }
    lists.value = []
    peers.value = []
    relayed.value = []
    reconnect.value = null
    eventCount.value = 0
    roomName.value = ''
    peerNames.value = {}
    linkReplicas.value = new Map()
    ownNameWritten = null
  }

  /**
   * Stores user actions as events, in one transaction (all or none). Resolves true once
   * stored; on failure raises `alert` and resolves false.
   */
  async function actMany(actions: ActAction[] | ((s: RoomSession) => Promise<void>)): Promise<boolean> {
    if (!session) throw new Error('not in a room')
    try {
      await (typeof actions === 'function' ? actions(session) : session.actMany(actions))
      return true
    } catch (err) {
      alert.value =
        err instanceof StorageFullError
          ? { kind: 'storage-full', message: STORAGE_FULL_CHANGE }
          : { kind: 'error', message: `Could not save your change: ${(err as Error).message}` }
      return false
    }
  }

  const act = (todo: TodoId, type: string, value: EventValue): Promise<boolean> => actMany([{ todo, eventType: type, value }])

  function dismissAlert(): void {
    alert.value = null
  }

  /** Adds a todo (its create and its title in one transaction). Resolves false if it was not stored. */
  async function addTodo(title: string): Promise<boolean> {
    const text = title.trim()
    if (!text) return true
    const id = newTodoId()
    return actMany([
      { todo: id, eventType: 'create', value: null },
      { todo: id, eventType: 'set_content', value: text },
    ])
  }

  /** Names the room, for every peer (an empty name clears it). No event if unchanged. */
  async function renameRoom(name: string): Promise<void> {
    const text = normalizeName(name)
    if (text === roomName.value) return
    await act(ROOM_SUBJECT, 'set_room_name', text)
  }

  /** The name this replica's events carry in the log ('' if none). */
  const ownNameInLog = computed(() => (replica.value ? peerNames.value[replica.value] ?? '' : ''))

  /** Changes the user's name: saved in this browser and written into this room's log. */
  async function setOwnName(name: string): Promise<void> {
    ownName.value = normalizeName(name)
    saveOwnName(localStorage, ownName.value)
    await writeOwnName()
  }

  /** The name last sent to the log by this session; stops a second write before the snapshot shows the first. */
  let ownNameWritten: string | null = null
  async function writeOwnName(): Promise<void> {
    if (!session || !replica.value) return
    const wanted = ownName.value
    if (wanted === ownNameInLog.value || wanted === ownNameWritten) return
    ownNameWritten = wanted
    if (!(await act(ROOM_SUBJECT, 'set_peer_name', wanted))) ownNameWritten = null
  }

  // Another tab of this browser renamed the user: use it here too.
  addEventListener('storage', (e) => {
    if (e.key !== OWN_NAME_KEY) return
    ownName.value = loadOwnName(localStorage)
    void writeOwnName()
  })

  /** Shown as asked at once, and over snapshots until the log has it (pending-toggles.ts). */
  async function toggle(id: TodoId, completed: boolean): Promise<void> {
    const pending = toggles
    const answered = pending.ask(id, completed)
    showTodos()
    const stored = await act(id, 'complete', completed)
    answered()
    if (stored || pending !== toggles) return // a new PendingToggles: the room was left meanwhile
    // Refused: nothing changed in the log, so no snapshot may come to settle it.
    pending.settle()
    showTodos()
  }

  async function remove(id: TodoId): Promise<void> {
    await act(id, 'delete', null)
  }

  async function rename(id: TodoId, title: string): Promise<void> {
    const text = title.trim()
    if (!text) return remove(id)
    const current = todos.value.find((t) => t.id === id)
    if (current && current.content === text) return
    await act(id, 'set_content', text)
  }

  /** Moves a todo to a list (trimmed; '' takes it off any list). No event if unchanged. */
  async function setList(id: TodoId, list: string): Promise<void> {
    const text = list.trim()
    const current = todos.value.find((t) => t.id === id)
    if (current && (current.list ?? '') === text) return
    await act(id, 'add_to_list', text)
  }

  /**
   * Marks every todo complete or active: one `complete` event per todo that changes, in
   * one transaction. The worker picks the todos at its turn (RoomSession.actEach), so a
   * todo that arrived from a peer after the last snapshot is included.
   */
  async function setAllCompleted(completed: boolean): Promise<void> {
    await actMany((s) => s.actEach(!completed, 'complete', completed))
  }

  /** Deletes every completed todo, in one transaction (todos chosen by the worker, as above). */
  async function clearCompleted(): Promise<void> {
    await actMany((s) => s.actEach(true, 'delete', null))
  }

  return {
    address,
    replica,
    todos,
    counts,
    eventCount,
    signaling,
    peers,
    relayed,
    reconnect,
    progress,
    snapshots,
    catchingUp,
    interpretation,
    stateHash,
    interpret,
    history,
    dag,
    generate,
    debug,
    alert,
    dismissAlert,
    roomName,
    peerNames,
    linkReplicas,
    ownName,
    renameRoom,
    setOwnName,
    ready,
    remaining,
    completedCount,
    allCompleted,
    lists,
    join,
    leave,
    act,
    addTodo,
    toggle,
    remove,
    rename,
    setList,
    setAllCompleted,
    clearCompleted,
  }
})
