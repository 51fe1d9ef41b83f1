/**
 * Component tests play the worker: this puts a list of todos into the room store as a
 * snapshot holding all of them would (the todos, and counts and lists of them all).
 */
import type { TodoView } from '../../client/worker/protocol.ts'
import type { useRoomStore } from '../../client/stores/room.ts'
import { countTodos } from '../../client/worker/snapshot.ts'

export function holdTodos(room: ReturnType<typeof useRoomStore>, todos: readonly TodoView[]): void {
  const { counts, lists } = countTodos(todos)
  room.todos = todos
  room.counts = counts
  room.lists = lists
}
