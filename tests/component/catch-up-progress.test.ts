// @vitest-environment happy-dom
/**
 * Catch-up progress as a person joining a large room sees it: the real room store over a
 * fake session (tests/helpers/fake-room-session.ts) that reports progress the way the
 * log worker does.
 *   - nothing is shown while no catch-up is under way;
 *   - during one, "Catching up: received / expected events" and a progress bar with the
 *     same numbers, labelled by that text and announced politely (role="status");
 *   - it goes away when the catch-up ends.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import CatchUpProgress from '../../client/components/room/CatchUpProgress.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { FakeRoomSession } from '../helpers/fake-room-session.ts'
import { replica } from '../helpers/fixtures.ts'
import type { RoomId } from '../../shared/ids.ts'

vi.mock('../../client/net/room-session.ts', async (original) => ({
  ...(await original<typeof import('../../client/net/room-session.ts')>()),
  RoomSession: (await import('../helpers/fake-room-session.ts')).FakeRoomSession,
}))

let wrapper: VueWrapper | null = null
let session: FakeRoomSession

beforeEach(async () => {
  setActivePinia(createPinia())
  useRoomStore().join({ room: 'a'.repeat(32) as RoomId, secret: 'b'.repeat(32) })
  session = FakeRoomSession.last!
  session.open(replica(1))
  wrapper = mount(CatchUpProgress, { attachTo: document.body })
  await flushPromises()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

async function progress(received: number, expected: number): Promise<void> {
  session.listener.progress(received, expected)
  await flushPromises()
}

describe('catch-up progress', () => {
  it('is not shown while no catch-up is under way', () => {
    expect(wrapper!.find('[data-testid="catch-up"]').exists()).toBe(false)
  })

  it('shows received of expected events, in words and as a labelled progress bar, until the catch-up ends', async () => {
    await progress(0, 100_000)
    const box = wrapper!.get('[data-testid="catch-up"]')
    expect(box.attributes('role')).toBe('status')
    expect(box.get('label').text()).toBe('Catching up: 0 / 100,000 events')
    await progress(24_576, 100_000)
    const bar = wrapper!.get<HTMLProgressElement>('[data-testid="sync-progress"]')
    expect(box.get('label').text()).toBe('Catching up: 24,576 / 100,000 events')
    expect([bar.element.value, bar.element.max]).toEqual([24_576, 100_000])
    expect(box.get('label').attributes('for')).toBe(bar.attributes('id'))
    await progress(0, 0) // over
    expect(wrapper!.find('[data-testid="catch-up"]').exists()).toBe(false)
  })
})
