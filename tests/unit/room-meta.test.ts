/**
 * The room's name and the peers' names, as the log carries them (shared/room-meta.ts):
 * last writer wins in the shared (lamport, id) order, a peer names only itself, and the
 * incremental view agrees with a fold from scratch whatever order events arrive in.
 */
import { describe, expect, it } from 'vitest'
import { ROOM_SUBJECT, RoomMetaView, foldRoomMeta } from '../../shared/room-meta.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { emptyTodo } from '../../shared/todo-fold.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { chain, ev, replica, rng, todo } from '../helpers/fixtures.ts'

const room = (type: string, value: string, author = replica(1)) => ({ todo: ROOM_SUBJECT, type, value, author })

describe('foldRoomMeta', () => {
  it('names the room by the last set_room_name; an empty name clears it', () => {
    const events = chain([room('set_room_name', 'Groceries'), room('set_room_name', 'Weekend')])
    expect(foldRoomMeta(events).name).toBe('Weekend')
    expect(foldRoomMeta([...events, ev([events[1]!], room('set_room_name', ''))]).name).toBe('')
  })

  it('keeps one name per author: a set_peer_name names the replica that wrote it', () => {
    const [a1, b1, a2] = chain([
      room('set_peer_name', 'Ann', replica(1)),
      room('set_peer_name', 'Bob', replica(2)),
      room('set_peer_name', 'Annie', replica(1)),
    ])
    const meta = foldRoomMeta([a1!, b1!, a2!])
    expect(Object.fromEntries(meta.peerNames)).toEqual({ [replica(1)]: 'Annie', [replica(2)]: 'Bob' })
    expect(foldRoomMeta([a1!, b1!, a2!, ev([a2!], room('set_peer_name', '', replica(2)))]).peerNames.has(replica(2))).toBe(false)
  })

  it('lets the rename that sorts last win between concurrent renames', () => {
    const base = ev([], room('set_room_name', 'Old'))
    const a = ev([base], room('set_room_name', 'From A', replica(1)))
    const b = ev([base], room('set_room_name', 'From B', replica(2)))
    const winner = a.id > b.id ? 'From A' : 'From B'
    expect(foldRoomMeta([base, a, b]).name).toBe(winner)
    expect(foldRoomMeta([b, a, base]).name).toBe(winner)
  })

  it('ignores todo events, room types on a todo, and room types it does not know', () => {
    const events = chain([
      { type: 'create' },
      { type: 'set_room_name', value: 'on a todo', todo: todo(1) },
      { type: 'set_room_colour', value: 'red', todo: ROOM_SUBJECT },
    ])
    expect(foldRoomMeta(events)).toEqual({ name: '', peerNames: new Map() })
  })
})

describe('RoomMetaView', () => {
  it('reads the room events of a stored log when it opens', async () => {
    const store = new MemoryEventStore()
    const events = chain([{ type: 'create' }, room('set_room_name', 'Stored'), room('set_peer_name', 'Ann')])
    await store.commit(events, [emptyTodo(todo(1))])
    const view = await RoomMetaView.open(store)
    expect(view.meta.name).toBe('Stored')
    expect(view.meta.peerNames.get(replica(1))).toBe('Ann')
  })

  it('says whether newly stored events changed anything', async () => {
    const view = await RoomMetaView.open(new MemoryEventStore())
    const [named, todoEvent, same] = chain([room('set_room_name', 'A'), { type: 'create' }, room('set_room_name', 'A')])
    expect(view.stored([named!])).toBe(true)
    expect(view.stored([named!])).toBe(false) // already seen
    expect(view.stored([todoEvent!])).toBe(false)
    expect(view.stored([same!])).toBe(false) // a rename to the same name
    expect(view.meta.name).toBe('A')
  })

  it('agrees with a fold from scratch however the events arrive (late concurrent ones included)', async () => {
    // Three authors renaming the room and themselves on branches of one DAG.
    const base = ev([], room('set_room_name', 'base'))
    const branches = [1, 2, 3].map((n) =>
      chain([room('set_room_name', `room by ${n}`, replica(n)), room('set_peer_name', `peer ${n}`, replica(n)), room('set_room_name', `again ${n}`, replica(n))], [base]),
    )
    const merge = ev(branches.map((b) => b[b.length - 1]!), room('set_peer_name', 'merged', replica(2)))
    const all: TodoEvent[] = [base, ...branches.flat(), merge]
    const expected = foldRoomMeta(all)
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed)
      const shuffled = [...all]
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
      }
      const view = await RoomMetaView.open(new MemoryEventStore())
      // Delivered in batches of 1–3, in a random order (parents need not come first here).
      for (let i = 0; i < shuffled.length; ) {
        const n = 1 + Math.floor(random() * 3)
        view.stored(shuffled.slice(i, i + n))
        i += n
      }
      expect(view.meta, `seed ${seed}`).toEqual(expected)
    }
  })
})
