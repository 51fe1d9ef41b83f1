import { describe, expect, it } from 'vitest'
import { MemoryNetwork } from '../helpers/memory-network.ts'
import { type TodoId, newTodoId } from '../../shared/ids.ts'
import type { ReplicaNode } from '../../shared/sync/replica-node.ts'
import { encodeMessage, PROTOCOL_VERSION, TAG } from '../../shared/sync/messages.ts'
import { encode } from 'cborg'
import type { PeerId } from '../../shared/sync/sync-engine.ts'
import { encodeEvent, encodeEventBody } from '../../shared/event-codec.ts'
import { ev, replica } from '../helpers/fixtures.ts'

let clock = 1_700_000_000_000
async function addTodo(node: ReplicaNode, title: string): Promise<TodoId> {
  const id = newTodoId()
  await node.act(id, 'create', null, clock++)
  await node.act(id, 'set_content', title, clock++)
  return id
}
const titles = (node: ReplicaNode) => node.log.visible().map((t) => t.content)

describe('sync between two replicas', () => {
  it('sends each side exactly the events the other lacks on connect', async () => {
    const net = new MemoryNetwork()
    const a = (await net.add('a', 1)).node
    const b = (await net.add('b', 2)).node
    await addTodo(a, 'from a')
    await net.link('a', 'b')
    await net.settle()
    await addTodo(a, 'a offline')
    await addTodo(b, 'b offline')
    await net.unlink('a', 'b')
    await addTodo(a, 'a alone')
    await net.link('a', 'b')
    await net.settle()
    expect(titles(a)).toEqual(titles(b))
    expect(titles(a)).toHaveLength(4)
    // 4 todos × 2 events = 8 events; each crosses the link once: no whole-DAG resend.
    expect(await a.log.store.count()).toBe(8)
    expect(await b.log.store.heads()).toEqual(await a.log.store.heads())
  })

  it('pushes live events and gossips them across a partial mesh (a–b–c)', async () => {
    const net = new MemoryNetwork()
    await net.add('a', 1)
    await net.add('b', 2)
    const c = (await net.add('c', 3)).node
    await net.link('a', 'b')
    await net.link('b', 'c')
    await net.settle()
    const a = net.nodes.get('a')!.node
    await addTodo(a, 'hello c')
    await net.settle()
    expect(titles(c)).toEqual(['hello c'])
  })

  it('asks for missing parents when an event arrives before them', async () => {
    const net = new MemoryNetwork()
    const a = (await net.add('a', 1)).node
    const b = await net.add('b', 2)
    await net.link('a', 'b')
    await net.settle()
    // c authored a create and an edit that a holds, but b only gets the edit, directly.
    const create = ev([], { author: replica(9), type: 'create' })
    const edit = ev([create], { author: replica(9), type: 'set_content', value: 'orphan' })
    await a.log.ingest([create, edit])
    await b.node.receive('a' as PeerId, encodeMessage({ type: 'events', events: [encodeEvent(edit)] }))
    await net.settle()
    expect(titles(b.node)).toEqual(['orphan'])
  })

  it('stays correct when an author chain forks: the hello heads catch what clocks miss', async () => {
    const net = new MemoryNetwork()
    const a = (await net.add('a', 1)).node
    const b = (await net.add('b', 2)).node
    // Replica 9 forked (e.g. a copied database): two different events at lamport 2.
    const root = ev([], { author: replica(9), type: 'create' })
    const forkA = ev([root], { author: replica(9), type: 'set_content', value: 'fork a' })
    const forkB = ev([root], { author: replica(9), type: 'add_to_list', value: 'fork b' })
    await a.log.ingest([root, forkA])
    await b.log.ingest([root, forkB])
    await net.link('a', 'b')
    await net.settle()
    expect(await a.log.store.heads()).toEqual(await b.log.store.heads())
    expect(await a.log.store.count()).toBe(3)
    expect(a.log.stateHash()).toBe(b.log.stateHash())
  })

  it('drops malformed frames and forged events with a warning, and keeps syncing', async () => {
    const net = new MemoryNetwork()
    const a = (await net.add('a', 1)).node
    const b = await net.add('b', 2)
    await net.link('a', 'b')
    await net.settle()
    const peer = 'a' as PeerId
    await b.node.receive(peer, new Uint8Array([1, 2, 3]))
    await b.node.receive(peer, encode([PROTOCOL_VERSION, TAG.events, ['not bytes']]))
    const good = ev([], { author: replica(7), type: 'create' })
    // Ids are recomputed by the receiver, so a forgery can only lie about the fields.
    const badValue = encodeEventBody({ ...good, type: 'complete', value: 'yes' })
    await b.node.receive(peer, encodeMessage({ type: 'events', events: [badValue] }))
    const wrongLamport = ev([good], { author: replica(7), type: 'delete' })
    await b.node.receive(peer, encodeMessage({ type: 'events', events: [encodeEvent(good), encodeEvent({ ...wrongLamport, lamport: 5 })] }))
    expect(b.warnings).toEqual([
      expect.stringMatching(/malformed frame dropped: not CBOR/),
      expect.stringMatching(/malformed frame dropped: malformed events/),
      expect.stringMatching(/invalid event dropped: complete takes true or false/),
      expect.stringMatching(/wrong lamport/),
    ])
    const stored = await b.node.log.store.lamportsOf([good.id, wrongLamport.id])
    expect([...stored.keys()]).toEqual([good.id]) // the valid event of the frame is kept
    await addTodo(a, 'still works')
    await net.settle()
    expect(titles(b.node)).toContain('still works')
  })

  it('refuses a peer speaking another protocol version', async () => {
    const net = new MemoryNetwork()
    await net.add('a', 1)
    const b = await net.add('b', 2)
    await net.link('a', 'b')
    await net.settle()
    await b.node.receive('a' as PeerId, encode([PROTOCOL_VERSION + 1, 'hello']))
    expect(b.warnings.join()).toMatch(/another protocol version/)
  })
})
