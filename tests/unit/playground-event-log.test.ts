/**
 * client/playground/event-log-node.ts: the playground's event-log nodes on the real core.
 * Syncing the online nodes makes them hold the same events and show the same todos, and
 * an overwritten title stays in every log.
 */
import { describe, expect, it } from 'vitest'
import { EventLogNode, syncLogNodes } from '../../client/playground/event-log-node.ts'
import { replica } from '../helpers/fixtures.ts'

const T = 1_700_000_000_000
const open = () => Promise.all(['A', 'B', 'C'].map((name, i) => EventLogNode.open(name, replica(0xa + i))))
const ids = async (n: EventLogNode) => (await n.events()).map((e) => e.id)
const titles = (n: EventLogNode) => n.todos().map((t) => t.content)

describe('EventLogNode', () => {
  it('records each change as an event by its replica', async () => {
    const [a] = await open()
    const todo = await a!.add('make pasta', T)
    await a!.setCompleted(todo, true, T + 1)
    await a!.setContent(todo, 'cook', T + 2)
    const events = await a!.events()
    expect(events.map((e) => [e.type, e.value, e.lamport, e.author])).toEqual([
      ['create', null, 1, a!.replica],
      ['set_content', 'make pasta', 2, a!.replica],
      ['complete', true, 3, a!.replica],
      ['set_content', 'cook', 4, a!.replica],
    ])
    expect(a!.todos()).toMatchObject([{ content: 'cook', completed: true }])
  })

  it('sync makes every node hold every event and show the same todos', async () => {
    const [a, b, c] = await open()
    await a!.add('cook', T)
    await b!.add('clean', T)
    await c!.add('write', T)
    await syncLogNodes([a!, b!, c!])
    const all = await ids(a!)
    expect(all).toHaveLength(6)
    expect(await ids(b!)).toEqual(all)
    expect(await ids(c!)).toEqual(all)
    expect(titles(b!)).toEqual(titles(a!))
    expect(titles(c!)).toEqual(titles(a!))
    expect(b!.log.stateHash()).toBe(a!.log.stateHash())
  })

  it('keeps both concurrent edits in every log while the lists agree on one', async () => {
    const [a, b, c] = await open()
    const todo = await a!.add('buy milk', T)
    await syncLogNodes([a!, b!, c!])
    await a!.setContent(todo, 'buy oat milk', T + 1)
    await b!.setContent(todo, 'buy soy milk', T + 2)
    await syncLogNodes([a!, c!]) // b is offline
    expect(titles(c!)).toEqual(['buy oat milk'])
    expect(await ids(b!)).toHaveLength(3)
    await syncLogNodes([a!, b!, c!])
    for (const n of [a!, b!, c!]) {
      const contents = (await n.events()).filter((e) => e.type === 'set_content').map((e) => e.value)
      expect(contents).toEqual(expect.arrayContaining(['buy milk', 'buy oat milk', 'buy soy milk']))
      expect(titles(n)).toEqual(titles(a!))
    }
    expect(['buy oat milk', 'buy soy milk']).toContain(titles(a!)[0])
  })

  it('a pull brings nothing new the second time', async () => {
    const [a, b] = await open()
    await a!.add('cook', T)
    expect(await b!.pullFrom(a!)).toBe(2)
    expect(await b!.pullFrom(a!)).toBe(0)
  })
})
