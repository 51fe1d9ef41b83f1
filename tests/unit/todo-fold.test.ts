import { describe, expect, it } from 'vitest'
import { foldTodo, visibleTodos } from '../../shared/todo-fold.ts'
import type { TodoEvent } from '../../shared/event.ts'
import type { TodoId } from '../../shared/ids.ts'
import { ev, replica, seedTodoEvents, todo } from '../helpers/fixtures.ts'

function foldAll(events: TodoEvent[]) {
  const byTodo = new Map<TodoId, TodoEvent[]>()
  for (const e of events) byTodo.set(e.todo, [...(byTodo.get(e.todo) ?? []), e])
  return visibleTodos([...byTodo].map(([id, es]) => foldTodo(id, es)))
}

describe('last-writer-wins fold', () => {
  it("turns the seed's 13 todo_events into the seed's todos table", () => {
    const rows = foldAll(seedTodoEvents()).map((t) => [t.content, t.list, t.completed])
    expect(rows).toEqual([
      ['cook', 'home', false],
      ['clean', 'home', false],
      ['write', 'work', true],
    ])
  })

  it('gives the same state whatever order the events are fed in', () => {
    const events = seedTodoEvents()
    expect(foldAll([...events].reverse())).toEqual(foldAll(events))
  })

  it('lets the event that sorts last win between concurrent edits', () => {
    const create = ev([], { type: 'create' })
    const a = ev([create], { author: replica(1), type: 'set_content', value: 'from a' })
    const b = ev([create], { author: replica(2), type: 'set_content', value: 'from b' })
    const winner = a.id > b.id ? 'from a' : 'from b'
    expect(foldTodo(todo(1), [create, a, b]).content).toBe(winner)
    expect(foldTodo(todo(1), [b, a, create]).content).toBe(winner)
  })

  it('keeps a deleted todo deleted even when a concurrent edit sorts after the delete', () => {
    const create = ev([], { type: 'create' })
    const del = ev([create], { author: replica(1), type: 'delete' })
    const edit = ev([ev([create], { author: replica(2), type: 'set_content', value: 'x' })], { author: replica(2), type: 'set_content', value: 'y' })
    expect(edit.lamport).toBeGreaterThan(del.lamport)
    expect(foldTodo(todo(1), [create, del, edit]).deleted).toBe(true)
  })

  it('ignores unknown event types', () => {
    const create = ev([], { type: 'create' })
    const future = ev([create], { type: 'set_colour', value: 'red' })
    const state = foldTodo(todo(1), [create, future])
    expect(state).toMatchObject({ created: true, content: '', completed: false, list: null })
  })
})
