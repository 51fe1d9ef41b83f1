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
import { RoomSession, type SignalingStatus } from '../net/room-session.ts'

export const useRoomStore = defineStore('room', () => {
  const address = ref<RoomAddress | null>(null)
  const replica = ref<ReplicaId | null>(null)
  const todos = shallowRef<TodoView[]>([])
  const eventCount = ref(0)
  const signaling = ref<SignalingStatus>('connecting')
  const peers = ref<string[]>([])
  const error = ref<string | null>(null)
  const ready = computed(() => replica.value !== null)
  const remaining = computed(() => todos.value.filter((t) => !t.completed).length)
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
        },
        replica: (id) => (replica.value = id),
        signaling: (s) => (signaling.value = s),
        peers: (ids) => (peers.value = ids),
        fatal: (message) => (error.value = message),
      },
      { forbidden },
    )
  }

  function leave(): void {
    session?.close()
    session = null
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

  return { address, replica, todos, eventCount, signaling, peers, error, ready, remaining, join, leave, addTodo, toggle, remove, rename }
})
