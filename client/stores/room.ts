/**
 * The room store: snapshots the log worker pushes, plus the actions a user can take.
 * State here is a view; the log (in the worker) is the truth. Actions send events and
 * the new state arrives as the next snapshot, so local and remote edits take one path.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { type ReplicaId, type TodoId, newTodoId } from '../../shared/ids.ts'
import type { RoomAddress } from '../../shared/room-link.ts'
import type { TodoView } from '../worker/protocol.ts'
import { type DagWindow, type PeerLink, RoomSession, type SignalingStatus } from '../net/room-session.ts'
import type { HistoryEntry } from '../../shared/history.ts'
import type { InterpretationName } from '../../shared/interpretations/interpretation.ts'

export const useRoomStore = defineStore('room', () => {
  const address = ref<RoomAddress | null>(null)
  const replica = ref<ReplicaId | null>(null)
  const todos = shallowRef<TodoView[]>([])
  const eventCount = ref(0)
  const signaling = ref<SignalingStatus>('connecting')
  const peers = ref<PeerLink[]>([])
  /** Catch-up progress; `expected` is 0 when no catch-up is under way. */
  const progress = ref({ received: 0, expected: 0 })
  const interpretation = ref<InterpretationName>('lww')
  const stateHash = ref('')
  const error = ref<string | null>(null)
  const ready = computed(() => replica.value !== null)
  const remaining = computed(() => todos.value.filter((t) => !t.completed).length)
  const completedCount = computed(() => todos.value.length - remaining.value)
  const allCompleted = computed(() => todos.value.length > 0 && remaining.value === 0)
  /** The lists in use, sorted, for suggestions when moving a todo. */
  const lists = computed(() => [...new Set(todos.value.map((t) => t.list).filter((l): l is string => !!l))].sort())
  let session: RoomSession | null = null

  function join(next: RoomAddress): void {
    leave()
    address.value = next
    const forbidden = new URLSearchParams(location.search).getAll('forbid')
    session = new RoomSession(
      next,
      {
        snapshot: (s) => {
          todos.value = s.todos
          eventCount.value = s.eventCount
          interpretation.value = s.interpretation
          stateHash.value = s.stateHash ?? '' // null: still being computed, in the next snapshot
        },
        progress: (received, expected) => (progress.value = { received, expected }),
        replica: (id) => (replica.value = id),
        signaling: (s) => (signaling.value = s),
        peers: (ids) => (peers.value = ids),
        fatal: (message) => (error.value = message),
      },
      { forbidden, selfId: new URLSearchParams(location.search).get('peer') ?? undefined },
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

  /** Reads the same log another way (the worker rebuilds its view; the log is untouched). */
  function interpret(name: InterpretationName): void {
    session?.interpret(name)
  }

  function leave(): void {
    session?.close()
    session = null
    address.value = null
    replica.value = null
    todos.value = []
    peers.value = []
    eventCount.value = 0
  }

  async function act(todo: TodoId, type: string, value: string | boolean | null): Promise<void> {
    if (!session) throw new Error('not in a room')
    try {
      await session.act(todo, type, value)
    } catch (err) {
      error.value = `Could not save your change: ${(err as Error).message}`
    }
  }

  async function addTodo(title: string): Promise<void> {
    const text = title.trim()
    if (!text) return
    const id = newTodoId()
    await act(id, 'create', null)
    await act(id, 'set_content', text)
  }

  const toggle = (id: TodoId, completed: boolean) => act(id, 'complete', completed)
  const remove = (id: TodoId) => act(id, 'delete', null)

  async function rename(id: TodoId, title: string): Promise<void> {
    const text = title.trim()
    if (!text) return remove(id)
    const current = todos.value.find((t) => t.id === id)
    if (current && current.content === text) return
    return act(id, 'set_content', text)
  }

  /** Moves a todo to a list (trimmed; '' takes it off any list). No event if unchanged. */
  async function setList(id: TodoId, list: string): Promise<void> {
    const text = list.trim()
    const current = todos.value.find((t) => t.id === id)
    if (current && (current.list ?? '') === text) return
    return act(id, 'add_to_list', text)
  }

  /** Marks every todo complete or active: one `complete` event per todo that changes. */
  async function setAllCompleted(completed: boolean): Promise<void> {
    const changing = todos.value.filter((t) => t.completed !== completed)
    await Promise.all(changing.map((t) => act(t.id, 'complete', completed)))
  }

  /** Deletes every completed todo. */
  async function clearCompleted(): Promise<void> {
    const done = todos.value.filter((t) => t.completed)
    await Promise.all(done.map((t) => act(t.id, 'delete', null)))
  }

  return {
    address,
    replica,
    todos,
    eventCount,
    signaling,
    peers,
    progress,
    interpretation,
    stateHash,
    interpret,
    history,
    dag,
    generate,
    error,
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
