// @vitest-environment happy-dom
/**
 * Sharing and people: the share control (the full room link, Copy → "Copied", a refused
 * clipboard selects the link instead) and the people list (your name, editable and saved;
 * each connected peer by its name from the log and a colour from its replica id, and how
 * it is reached). The real room store runs over a fake session.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ShareLink from '../../client/components/room/ShareLink.vue'
import PeerList from '../../client/components/room/PeerList.vue'
import RoomStatus from '../../client/components/room/RoomStatus.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { OWN_NAME_KEY } from '../../client/rooms/own-name.ts'
import { peerColour } from '../../client/components/room/peer-identity.ts'
import { ROOM_SUBJECT } from '../../shared/room-meta.ts'
import { FakeRoomSession } from '../helpers/fake-room-session.ts'
import { replica } from '../helpers/fixtures.ts'
import type { ReplicaId, RoomId } from '../../shared/ids.ts'

vi.mock('../../client/net/room-session.ts', async (original) => ({
  ...(await original<typeof import('../../client/net/room-session.ts')>()),
  RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession,
}))

const ADDRESS = { room: 'a'.repeat(32) as RoomId, secret: 'b'.repeat(32) }
const [ME, ANN, BOB] = [replica(1), ('a1' + '0'.repeat(30)) as ReplicaId, ('b1' + '0'.repeat(30)) as ReplicaId]

let wrapper: VueWrapper | null = null
let room: ReturnType<typeof useRoomStore>
let session: FakeRoomSession

function joinRoom(): void {
  setActivePinia(createPinia())
  room = useRoomStore()
  room.join(ADDRESS)
  session = FakeRoomSession.last!
}

beforeEach(() => {
  localStorage.clear()
  joinRoom()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  vi.unstubAllGlobals()
})

describe('ShareLink', () => {
  const writeText = vi.fn<(text: string) => Promise<void>>()
  beforeEach(() => {
    writeText.mockReset()
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
  })

  it('holds the full link, secret included, in a read-only textbox labelled "Room link"', () => {
    wrapper = mount(ShareLink, { attachTo: document.body })
    const field = wrapper.get<HTMLInputElement>('[data-testid="room-link"]')
    expect(field.element.value).toBe(`${location.origin}/r/${ADDRESS.room}#${ADDRESS.secret}`)
    expect(field.element.readOnly).toBe(true)
    expect(wrapper.get(`label[for="${field.attributes('id')}"]`).text()).toBe('Room link')
  })

  it('copies the link and says "Copied"', async () => {
    writeText.mockResolvedValue()
    wrapper = mount(ShareLink, { attachTo: document.body })
    await wrapper.get('button').trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(`${location.origin}/r/${ADDRESS.room}#${ADDRESS.secret}`)
    expect(wrapper.get('button').text()).toBe('Copied')
    expect(wrapper.get('[role="status"]').text()).toBe('Link copied')
  })

  it('selects the link for a manual copy when the clipboard is refused', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    writeText.mockRejectedValue(new DOMException('denied', 'NotAllowedError'))
    wrapper = mount(ShareLink, { attachTo: document.body })
    await wrapper.get('button').trigger('click')
    await flushPromises()
    const field = wrapper.get<HTMLInputElement>('[data-testid="room-link"]').element
    expect(document.activeElement).toBe(field)
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, field.value.length])
    expect(wrapper.get('button').text()).toBe('Copy link')
    expect(wrapper.get('[role="status"]').text()).toMatch(/copy it by hand/)
  })
})

describe('PeerList', () => {
  const mountPeople = () => {
    wrapper = mount({ components: { PeerList, RoomStatus }, template: '<PeerList /><RoomStatus />' }, { attachTo: document.body })
  }

  it('lists each connected peer by the name its replica gave itself, in its colour, and how it is reached', async () => {
    session.open(ME, { peerNames: { [ANN]: 'Ann' } })
    mountPeople()
    session.listener.peers([
      { id: 'p-ann', via: 'webrtc' },
      { id: 'p-bob', via: 'broadcast' },
      { id: 'p-new', via: 'webrtc' },
    ])
    session.listener.replicas(new Map([['webrtc:p-ann', ANN], ['broadcast:p-bob', BOB]])) // p-new: no hello yet
    await flushPromises()

    const peers = wrapper!.findAll('[data-testid="peer"]')
    expect(peers.map((p) => p.get('[data-testid="peer-name"]').text())).toEqual(['Ann', 'Peer b100', 'connecting…'])
    expect(peers.map((p) => p.attributes('data-via'))).toEqual(['webrtc', 'broadcast', 'webrtc'])
    expect(peers[0]!.text()).toContain('p-ann · via WebRTC')
    expect(peers[1]!.text()).toContain('via this browser')
    expect(peers[0]!.get('.peer-swatch').attributes('style')).toContain(peerColour(ANN))
    expect(peerColour(ANN)).not.toBe(peerColour(BOB))
    expect(wrapper!.get('[data-testid="peer-count"]').text()).toBe('3')

    // Bob names himself: the list follows the log.
    session.push({ peerNames: { [ANN]: 'Ann', [BOB]: 'Bob' } })
    await flushPromises()
    expect(wrapper!.findAll('[data-testid="peer-name"]').map((n) => n.text())).toEqual(['Ann', 'Bob', 'connecting…'])
  })

  it('says when nobody else is here', async () => {
    session.open(ME)
    mountPeople()
    await flushPromises()
    expect(wrapper!.find('[data-testid="peer-list"]').exists()).toBe(false)
    expect(wrapper!.text()).toContain('No one else is connected')
    expect(wrapper!.get('[data-testid="peer-count"]').text()).toBe('0')
  })

  it('edits your own name in a field labelled "Your name": saved here and written to the log once', async () => {
    session.open(ME)
    mountPeople()
    await flushPromises()
    const field = wrapper!.get<HTMLInputElement>('input[data-testid="own-name"]')
    expect(wrapper!.get(`label[for="${field.attributes('id')}"]`).text()).toBe('Your name')
    await field.setValue('  Alice ')
    await field.trigger('keydown', { key: 'Enter' })
    await field.trigger('blur') // leaving the field after Enter writes nothing more
    await flushPromises()
    expect(localStorage.getItem(OWN_NAME_KEY)).toBe('Alice')
    expect(session.acts).toEqual([[{ todo: ROOM_SUBJECT, eventType: 'set_peer_name', value: 'Alice' }]])
  })

  it('writes the saved name into a room whose log does not have it yet, and not again once it does', async () => {
    localStorage.setItem(OWN_NAME_KEY, 'Alice')
    joinRoom()
    session.open(ME) // this replica has no name in the log yet
    await flushPromises()
    expect(session.acts).toEqual([[{ todo: ROOM_SUBJECT, eventType: 'set_peer_name', value: 'Alice' }]])
    session.push({ peerNames: { [ME]: 'Alice' } })
    session.push({ eventCount: 5 })
    await flushPromises()
    expect(session.acts).toHaveLength(1)
    mountPeople()
    expect(wrapper!.get<HTMLInputElement>('input[data-testid="own-name"]').element.value).toBe('Alice')
  })
})
