// @vitest-environment happy-dom
/**
 * The room bar: the room's name (renamed in place, shown live from the log) and the rooms
 * menu (the rooms this browser stores, to return to or leave). The real room and rooms
 * stores run over a fake session and a mocked OPFS (client/rooms/local-replicas.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { type Router, createMemoryHistory, createRouter } from 'vue-router'
import RoomHeader from '../../client/components/room/RoomHeader.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { RoomRegistry } from '../../client/rooms/room-registry.ts'
import { deleteRoomReplicas, listStoredRooms } from '../../client/rooms/local-replicas.ts'
import { FakeRoomSession } from '../helpers/fake-room-session.ts'
import { replica } from '../helpers/fixtures.ts'
import { ROOM_SUBJECT } from '../../shared/room-meta.ts'
import type { RoomId } from '../../shared/ids.ts'

vi.mock('../../client/net/room-session.ts', async (original) => ({
  ...(await original<typeof import('../../client/net/room-session.ts')>()),
  RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession,
}))
vi.mock('../../client/rooms/local-replicas.ts', () => ({ listStoredRooms: vi.fn(), deleteRoomReplicas: vi.fn() }))

const roomId = (c: string) => c.repeat(32) as RoomId
const [HERE, OTHER, STRAY] = [roomId('a'), roomId('b'), roomId('c')]
const secretOf = (room: RoomId) => room.replace(/./g, (c) => String.fromCharCode(c.charCodeAt(0) + 3)) // 'a' → 'd'

let wrapper: VueWrapper | null = null
let router: Router
let session: FakeRoomSession

beforeEach(async () => {
  localStorage.clear()
  sessionStorage.clear()
  setActivePinia(createPinia())
  // This browser joined OTHER earlier (named "Work") and stores STRAY without its link.
  const registry = new RoomRegistry(localStorage)
  registry.remember({ room: OTHER, secret: secretOf(OTHER) }, 1)
  registry.setName(OTHER, 'Work')
  vi.mocked(listStoredRooms).mockResolvedValue([
    { room: HERE, replicas: [replica(1)] },
    { room: OTHER, replicas: [replica(2), replica(3)] },
    { room: STRAY, replicas: [replica(4)] },
  ])
  vi.mocked(deleteRoomReplicas).mockResolvedValue({ deleted: [replica(2), replica(3)], held: [] })

  router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  await router.push(`/r/${HERE}#${secretOf(HERE)}`)
  useRoomStore().join({ room: HERE, secret: secretOf(HERE) })
  session = FakeRoomSession.last!
  session.open(replica(1), { roomName: 'Groceries' })
  wrapper = mount(RoomHeader, { attachTo: document.body, global: { plugins: [router] } })
  await flushPromises()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.clearAllMocks()
})

const w = () => wrapper!
const focused = () => document.activeElement

describe('the room name', () => {
  it('shows the name from the log, live, and "Untitled room" when it has none', async () => {
    expect(w().get('[data-testid="room-name"]').text()).toBe('Groceries')
    session.push({ roomName: 'Weekend' }) // a peer renamed it
    await flushPromises()
    expect(w().get('[data-testid="room-name"]').text()).toBe('Weekend')
    session.push({ roomName: '' })
    await flushPromises()
    expect(w().get('[data-testid="room-name"]').text()).toBe('Untitled room')
  })

  it('is renamed in a textbox labelled "Room name": Enter saves it trimmed as a set_room_name event', async () => {
    await w().get('button[aria-label="Rename room"]').trigger('click')
    const field = w().get<HTMLInputElement>('input[aria-label="Room name"]')
    expect(field.element.value).toBe('Groceries')
    expect(focused()).toBe(field.element)
    await field.setValue('  Weekend  shopping ')
    await field.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(session.acts).toEqual([[{ todo: ROOM_SUBJECT, eventType: 'set_room_name', value: 'Weekend shopping' }]])
    expect(w().find('input[aria-label="Room name"]').exists()).toBe(false)
    expect(focused()).toBe(w().get('button[aria-label="Rename room"]').element)
  })

  it('Escape cancels; an unchanged name writes nothing', async () => {
    await w().get('button[aria-label="Rename room"]').trigger('click')
    await w().get('input[aria-label="Room name"]').setValue('Nope')
    await w().get('input[aria-label="Room name"]').trigger('keydown', { key: 'Escape' })
    await w().get('button[aria-label="Rename room"]').trigger('click')
    await w().get('input[aria-label="Room name"]').trigger('blur') // saves "Groceries": unchanged
    await flushPromises()
    expect(session.acts).toEqual([])
    expect(w().get('[data-testid="room-name"]').text()).toBe('Groceries')
  })
})

describe('the rooms menu', () => {
  const toggle = () => w().get('button[data-testid="rooms-menu"]')
  const entry = (room: RoomId) => w().get(`[data-testid="room-entry"][data-room="${room}"]`)
  async function openMenu(): Promise<void> {
    await toggle().trigger('click')
    await flushPromises()
  }

  it('is a disclosure button that lists the stored rooms by name, this one marked', async () => {
    expect(toggle().attributes('aria-expanded')).toBe('false')
    await openMenu()
    expect(toggle().attributes('aria-expanded')).toBe('true')
    expect(toggle().attributes('aria-controls')).toBe('rooms-panel')
    // Most recently opened first; the room without a saved link last.
    const names = w().findAll('[data-testid="room-entry"] .rooms-entry-name').map((e) => e.text())
    expect(names).toEqual(['Groceries', 'Work', 'Untitled room cccccc'])
    expect(entry(HERE).attributes('aria-current')).toBe('page')
    expect(entry(OTHER).text()).toContain('2 copies here')
    expect(entry(STRAY).text()).toContain('link not saved in this browser')
    expect(entry(STRAY).find('a').exists()).toBe(false)
  })

  it('returns to a room by its full link (secret in the fragment)', async () => {
    await openMenu()
    const link = entry(OTHER).get('a')
    expect(link.attributes('href')).toBe(`/r/${OTHER}#${secretOf(OTHER)}`)
    await link.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(`/r/${OTHER}#${secretOf(OTHER)}`)
    expect(w().find('#rooms-panel').exists()).toBe(false) // the menu closes on the way
  })

  it('closes on Escape and gives focus back to its button', async () => {
    await openMenu()
    await entry(OTHER).get('a').trigger('keydown', { key: 'Escape' })
    expect(w().find('#rooms-panel').exists()).toBe(false)
    expect(focused()).toBe(toggle().element)
  })

  it('asks before leaving; Cancel keeps the room and returns focus to Leave', async () => {
    await openMenu()
    await entry(OTHER).get('button[aria-label="Leave Work"]').trigger('click')
    await flushPromises()
    const confirm = entry(OTHER).get('[data-testid="confirm-leave"]')
    expect(entry(OTHER).text()).toContain('Delete this browser\'s copy of “Work”?')
    expect(focused()).toBe(confirm.element)
    await entry(OTHER).findAll('button').find((b) => b.text() === 'Cancel')!.trigger('click')
    await flushPromises()
    expect(deleteRoomReplicas).not.toHaveBeenCalled()
    expect(focused()).toBe(entry(OTHER).get('button[aria-label="Leave Work"]').element)
  })

  it('leaves another room: deletes its replicas, forgets its link, and drops it from the list', async () => {
    await openMenu()
    await entry(OTHER).get('button[aria-label="Leave Work"]').trigger('click')
    vi.mocked(listStoredRooms).mockResolvedValue([{ room: HERE, replicas: [replica(1)] }, { room: STRAY, replicas: [replica(4)] }])
    await entry(OTHER).get('[data-testid="confirm-leave"]').trigger('click')
    await flushPromises()
    expect(deleteRoomReplicas).toHaveBeenCalledWith(OTHER, null)
    expect(w().find(`[data-room="${OTHER}"]`).exists()).toBe(false)
    expect(new RoomRegistry(localStorage).get(OTHER)).toBeUndefined()
    expect(w().get('[data-testid="rooms-message"]').text()).toBe('Left Work: its copy in this browser is deleted.')
    expect(router.currentRoute.value.path).toBe(`/r/${HERE}`) // this tab stays where it is
  })

  it('leaving the open room first moves the tab to a fresh room, then deletes, waiting for its own replica', async () => {
    await openMenu()
    await entry(HERE).get('button[aria-label="Leave Groceries"]').trigger('click')
    await entry(HERE).get('[data-testid="confirm-leave"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/')
    expect(deleteRoomReplicas).toHaveBeenCalledWith(HERE, replica(1))
  })

  it('keeps a room one of whose replicas another tab holds, and says why', async () => {
    vi.mocked(deleteRoomReplicas).mockResolvedValue({ deleted: [replica(2)], held: [replica(3)] })
    await openMenu()
    vi.mocked(listStoredRooms).mockResolvedValue([{ room: HERE, replicas: [replica(1)] }, { room: OTHER, replicas: [replica(3)] }])
    await entry(OTHER).get('button[aria-label="Leave Work"]').trigger('click')
    await entry(OTHER).get('[data-testid="confirm-leave"]').trigger('click')
    await flushPromises()
    expect(w().get('[data-testid="rooms-message"]').text()).toMatch(/1 of its copies is open in another tab and was kept/)
    expect(new RoomRegistry(localStorage).get(OTHER)).toBeDefined() // still reachable to leave later
    expect(entry(OTHER).text()).toContain('1 copy here')
  })
})
