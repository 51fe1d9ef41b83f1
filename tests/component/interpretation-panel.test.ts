// @vitest-environment happy-dom
/**
 * The interpretations panel on a real Pinia store whose `interpret` is mocked: the
 * switcher, the churn report (under `churn`) and the LWW-register table (under
 * `lww-register`). Snapshots are set on the store as the worker would push them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import InterpretationPanel from '../../client/components/interpretation/InterpretationPanel.vue'
import { useRoomStore } from '../../client/stores/room.ts'
import { holdTodos } from '../helpers/room-state.ts'
import type { TodoView } from '../../client/worker/protocol.ts'
import type { EventId, TodoId } from '../../shared/ids.ts'
import { replica, todo } from '../helpers/fixtures.ts'

const [A, B] = [replica(0xa), replica(0xb)]
const eid = (n: number) => n.toString(16).padStart(64, '0') as EventId
const view = (id: TodoId, content: string, over: Partial<TodoView> = {}): TodoView => ({
  id,
  content,
  list: null,
  completed: false,
  churn: [],
  clocks: null,
  ...over,
})

let room: ReturnType<typeof useRoomStore>
let wrapper: VueWrapper | null = null
beforeEach(() => {
  setActivePinia(createPinia())
  room = useRoomStore()
  room.replica = A
  vi.spyOn(room, 'interpret').mockImplementation(() => {})
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

const radios = (w: VueWrapper) => w.findAll<HTMLInputElement>('input[type="radio"]')

describe('interpretation switcher', () => {
  it('is a radio group labelled Interpretation with the four interpretations, the current one checked', () => {
    wrapper = mount(InterpretationPanel)
    expect(wrapper.get('fieldset legend').text()).toBe('Interpretation')
    const names = radios(wrapper).map((r) => wrapper!.get(`label[for="${r.attributes('id')}"]`).text())
    expect(names).toEqual(['lww', 'sticky-complete', 'churn', 'lww-register'])
    expect(radios(wrapper).map((r) => r.element.checked)).toEqual([true, false, false, false])
    expect(radios(wrapper)[1]!.attributes('aria-describedby')).toBe('interpretation-sticky-complete-description')
  })

  it('choosing one asks the worker to rebuild, shows it is being applied, then shows the new reading', async () => {
    wrapper = mount(InterpretationPanel)
    await radios(wrapper)[1]!.setValue(true)
    expect(room.interpret).toHaveBeenCalledWith('sticky-complete')
    expect(wrapper.get('[data-testid="interpretation-status"]').text()).toBe('Rebuilding the list under sticky-complete…')
    room.interpretation = 'sticky-complete' // the worker's next snapshot
    await flushPromises()
    expect(wrapper.get('[data-testid="interpretation-status"]').text()).toBe('The list shows the log read as sticky-complete.')
    expect(radios(wrapper).map((r) => r.element.checked)).toEqual([false, true, false, false])
  })

  it('follows an interpretation changed elsewhere (another tab of the replica, a reload)', async () => {
    wrapper = mount(InterpretationPanel)
    room.interpretation = 'churn'
    await flushPromises()
    expect(radios(wrapper).map((r) => r.element.checked)).toEqual([false, false, true, false])
  })

  it('is disabled until the replica is open', () => {
    room.replica = null
    wrapper = mount(InterpretationPanel)
    expect(radios(wrapper).every((r) => r.element.disabled)).toBe(true)
  })
})

describe('churn report', () => {
  const churned = () => [
    view(todo(1), 'cook', {
      churn: [
        { event: eid(5), author: B, time: Date.UTC(2024, 4, 1, 9, 30), lamport: 5, undid: eid(4) },
        { event: eid(9), author: A, time: Date.UTC(2024, 4, 1, 11, 0), lamport: 9, undid: eid(8) },
      ],
    }),
    view(todo(2), 'clean', { churn: [{ event: eid(7), author: A, time: Date.UTC(2024, 4, 1, 10, 0), lamport: 7, undid: eid(6) }] }),
    view(todo(3), 'write'),
  ]

  it('lists one row per un-complete, in log order: todo, who, when', () => {
    room.interpretation = 'churn'
    holdTodos(room, churned())
    wrapper = mount(InterpretationPanel)
    const rows = wrapper.findAll('[data-testid="churn-report"] [data-testid="churn-row"]')
    expect(rows.map((r) => r.findAll('td')[0]!.text())).toEqual(['cook', 'clean', 'cook'])
    expect(rows.map((r) => r.findAll('td')[1]!.text())).toEqual([B.slice(0, 8), `${A.slice(0, 8)} (you)`, `${A.slice(0, 8)} (you)`])
    expect(rows[0]!.get('time').attributes('datetime')).toBe('2024-05-01T09:30:00.000Z')
    expect(wrapper.findAll('[data-testid="churn-report"] th').map((th) => th.text())).toEqual(['Todo', 'Un-completed by', 'When'])
  })

  it('says so when nothing was un-completed, and is not shown under other interpretations', async () => {
    room.interpretation = 'churn'
    holdTodos(room, [view(todo(3), 'write')])
    wrapper = mount(InterpretationPanel)
    expect(wrapper.find('[data-testid="churn-report"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="churn-empty"]').exists()).toBe(true)
    room.interpretation = 'lww'
    holdTodos(room, churned())
    await flushPromises()
    expect(wrapper.find('[data-testid="churn-report"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="churn-empty"]').exists()).toBe(false)
  })
})

describe('LWW-register table', () => {
  it('shows per todo the value and clock (lamport · author) of content, list and completed', () => {
    room.interpretation = 'lww-register'
    holdTodos(room, [
      view(todo(1), 'cook', {
        list: 'home',
        completed: false,
        clocks: {
          content: { lamport: 5, event: eid(5), author: A },
          list: { lamport: 3, event: eid(3), author: B },
          completed: { lamport: 6, event: eid(6), author: B },
        },
      }),
      view(todo(2), 'clean', { clocks: { content: { lamport: 8, event: eid(8), author: A }, list: null, completed: null } }),
    ])
    wrapper = mount(InterpretationPanel)
    const table = wrapper.get('[data-testid="register-table"]')
    expect(table.findAll('thead th').map((th) => th.text())).toEqual(['id', 'content', 'list', 'completed'])
    const rows = table.findAll('[data-testid="register-row"]')
    const cells = (i: number) => rows[i]!.findAll('td').map((td) => [td.get('[data-testid="register-value"]').text(), td.get('[data-testid="register-clock"]').text()])
    expect(cells(0)).toEqual([
      ['"cook"', `5 · ${A.slice(0, 6)}`],
      ['"home"', `3 · ${B.slice(0, 6)}`],
      ['false', `6 · ${B.slice(0, 6)}`],
    ])
    expect(cells(1)).toEqual([
      ['"clean"', `8 · ${A.slice(0, 6)}`],
      ['—', '0'],
      ['false', '0'],
    ])
  })

  it('shows a long list a page of 200 rows at a time', async () => {
    room.interpretation = 'lww-register'
    holdTodos(room, Array.from({ length: 250 }, (_, i) => view(todo(i + 1), `t${i}`)))
    wrapper = mount(InterpretationPanel)
    expect(wrapper.findAll('[data-testid="register-row"]')).toHaveLength(200)
    await wrapper.get('[data-testid="register-more"]').trigger('click')
    expect(wrapper.findAll('[data-testid="register-row"]')).toHaveLength(250)
    expect(wrapper.find('[data-testid="register-more"]').exists()).toBe(false)
  })

  it('is only shown under lww-register', () => {
    holdTodos(room, [view(todo(1), 'cook')])
    wrapper = mount(InterpretationPanel)
    expect(wrapper.find('[data-testid="register-table"]').exists()).toBe(false)
  })
})

