/**
 * Component tests play the worker: this puts a list of todos into the room store as a
 * snapshot holding all of them would (the todos, and counts and lists of them all).
 */
import type { TodoView } from '../../client/worker/protocol.ts'
import type { useRoomStore } from '../../client/stores/room.ts'

export function holdTodos(room: ReturnType<typeof useRoomStore>, todos: readonly TodoView[]): void {
  room.todos = todos
  room.counts = { total: todos.length, active: todos.filter((t) => !t.completed).length }
  room.lists = [...new Set(todos.flatMap((t) => (t.list ? [t.list] : [])))].sort()
}
