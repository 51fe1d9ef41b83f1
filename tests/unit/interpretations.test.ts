import { describe, expect, it } from 'vitest'
import { INTERPRETATIONS, INTERPRETATION_NAMES } from '../../shared/interpretations/index.ts'
import { foldTodo, visibleTodos } from '../../shared/todo-fold.ts'
import type { TodoEvent } from '../../shared/event.ts'
import type { TodoId } from '../../shared/ids.ts'
import { chain, ev, replica, seedTodoEvents, todo } from '../helpers/fixtures.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'

function foldAll(events: TodoEvent[], name: keyof typeof INTERPRETATIONS) {
  const byTodo = new Map<TodoId, TodoEvent[]>()
  for (const e of events) byTodo.set(e.todo, [...(byTodo.get(e.todo) ?? []), e])
  return [...byTodo].map(([id, es]) => foldTodo(id, es, INTERPRETATIONS[name].apply))
}
const rows = (events: TodoEvent[], name: keyof typeof INTERPRETATIONS) =>
  visibleTodos(foldAll(events, name)).map((t) => [t.content, t.list, t.completed])

describe('interpretations of the seed example', () => {
  it('lww, churn and lww-register agree with the seed’s todos table', () => {
    for (const name of ['lww', 'churn', 'lww-register'] as const) {
      expect(rows(seedTodoEvents(), name), name).toEqual([
        ['cook', 'home', false],
        ['clean', 'home', false],
        ['write', 'work', true],
      ])
    }
  })

  it('sticky-complete keeps "cook" completed: its un-complete is ignored', () => {
    expect(rows(seedTodoEvents(), 'sticky-complete')).toEqual([
      ['cook', 'home', true],
      ['clean', 'home', false],
      ['write', 'work', true],
    ])
  })

  it('churn lists the un-complete of "cook" with who, when and which completion it undid', () => {
    const events = seedTodoEvents()
    const cook = foldAll(events, 'churn').find((t) => t.content === 'cook')!
    expect(cook.churn).toEqual([
      { event: events[5]!.id, author: events[5]!.author, time: events[5]!.time, lamport: 6, undid: events[3]!.id },
    ])
    expect(foldAll(events, 'lww').every((t) => t.churn.length === 0)).toBe(true)
  })

  it('lww-register shows each column’s winning value with its clock', () => {
    const events = seedTodoEvents()
    const cook = foldAll(events, 'lww-register').find((t) => t.content === 'cook')!
    expect(cook.clocks).toEqual({
      content: { lamport: 5, event: events[4]!.id, author: events[4]!.author },
      list: { lamport: 3, event: events[2]!.id, author: events[2]!.author },
      completed: { lamport: 6, event: events[5]!.id, author: events[5]!.author },
    })
  })
})

describe('churn across replicas', () => {
  it('records an un-complete by another replica after a concurrent history', () => {
    const [create, done] = chain([{ type: 'create' }, { type: 'complete', value: true }])
    const undo = ev([done!], { author: replica(2), type: 'complete', value: false, time: 1_700_000_100_000 })
    const state = foldTodo(todo(1), [create!, done!, undo], INTERPRETATIONS.churn.apply)
    expect(state.churn).toHaveLength(1)
    expect(state.churn[0]).toMatchObject({ author: replica(2), time: 1_700_000_100_000, undid: done!.id })
  })
})

describe('switching interpretation', () => {
  it('rebuilds the view from the log without touching the log', async () => {
    const store = new MemoryEventStore()
    const log = await TodoLog.open(store)
    await log.ingest(seedTodoEvents())
    const heads = await store.heads()
    const lwwHash = log.stateHash()
    await log.interpret('sticky-complete')
    expect(log.visible().map((t) => t.completed)).toEqual([true, false, true])
    expect(log.stateHash()).not.toBe(lwwHash)
    expect(await store.heads()).toEqual(heads)
    expect(await store.count()).toBe(13)
    await log.interpret('lww')
    expect(log.stateHash()).toBe(lwwHash)
  })

  it('is remembered: reopening reads the view built under the same interpretation', async () => {
    const store = new MemoryEventStore()
    const log = await TodoLog.open(store, 'sticky-complete')
    await log.ingest(seedTodoEvents())
    const reopened = await TodoLog.open(store, 'sticky-complete')
    expect(reopened.stateHash()).toBe(log.stateHash())
    expect((await TodoLog.open(store)).interpretation).toBe('sticky-complete')
    const asLww = await TodoLog.open(store, 'lww')
    expect(asLww.visible().map((t) => t.completed)).toEqual([false, false, true])
  })

  it('every interpretation has a distinct name in the registry', () => {
    expect(Object.keys(INTERPRETATIONS).sort()).toEqual([...INTERPRETATION_NAMES].sort())
  })
})
