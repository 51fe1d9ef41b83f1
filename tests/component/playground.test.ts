// @vitest-environment happy-dom
/**
 * The playground's two rows, mounted for real (no store, no worker): LWW-register nodes
 * lose an overwritten value on sync; event-log nodes (the real TodoLog over memory
 * stores) converge and keep every event. Everything is promises, so flushing them is
 * enough — no timers.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type VueWrapper, flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import LwwPlayground from '../../client/components/playground/LwwPlayground.vue'
import LogPlayground from '../../client/components/playground/LogPlayground.vue'
import PlaygroundView from '../../client/views/PlaygroundView.vue'
import { syncReport } from '../../client/components/playground/playground-todo.ts'

let wrapper: VueWrapper | null = null
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
})

/** The log row's work is a chain of promises (memory store, queue, refresh). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await flushPromises()
}

const node = (w: VueWrapper, name: string) => w.get(`[data-testid="pg-node"][data-node="${name}"]`)
type NodeWrapper = ReturnType<typeof node>
const titles = (n: NodeWrapper) => n.findAll('[data-testid="pg-todo-title"]').map((t) => t.text())

async function add(n: NodeWrapper, text: string): Promise<void> {
  const input = n.get('input.pg-new-todo')
  await input.setValue(text)
  await input.trigger('keydown', { key: 'Enter' })
  await settle()
}

async function edit(n: NodeWrapper, from: string, to: string): Promise<void> {
  const title = n.findAll('[data-testid="pg-todo-title"]').find((t) => t.text() === from)!
  await title.trigger('dblclick')
  const box = n.get('input.pg-edit')
  await box.setValue(to)
  await box.trigger('keydown', { key: 'Enter' })
  await settle()
}

async function sync(w: VueWrapper): Promise<void> {
  await w.get('button.pg-sync').trigger('click')
  await settle()
}

async function goOffline(n: NodeWrapper, offline: boolean): Promise<void> {
  await n.get('.pg-offline input').setValue(offline)
}

describe('LWW-register row', () => {
  it('has three nodes, each with a labelled new-todo input, an Offline toggle and a register table', () => {
    wrapper = mount(LwwPlayground, { attachTo: document.body })
    expect(wrapper.findAll('[data-testid="pg-node"]').map((n) => n.attributes('data-node'))).toEqual(['A', 'B', 'C'])
    const a = node(wrapper, 'A')
    const input = a.get('input.pg-new-todo')
    expect(a.get(`label[for="${input.attributes('id')}"]`).text()).toBe('New todo on node A')
    expect(a.get('.pg-offline').text()).toBe('Offline')
    expect(a.findAll('[data-testid="lww-state"] thead th').map((t) => t.text())).toEqual(['id', 'content', 'completed'])
    expect(wrapper.get('button.pg-sync').text()).toBe('Sync nodes')
  })

  it('edits stay local until Sync nodes, which merges the online nodes only', async () => {
    wrapper = mount(LwwPlayground, { attachTo: document.body })
    await add(node(wrapper, 'A'), 'cook')
    await add(node(wrapper, 'B'), 'clean')
    expect(titles(node(wrapper, 'C'))).toEqual([])
    await goOffline(node(wrapper, 'C'), true)
    await sync(wrapper)
    expect(titles(node(wrapper, 'A'))).toEqual(['cook', 'clean'])
    expect(titles(node(wrapper, 'B'))).toEqual(['cook', 'clean'])
    expect(titles(node(wrapper, 'C'))).toEqual([])
    expect(wrapper.get('[data-testid="pg-sync-status"]').text()).toBe('Synced A and B. (C is offline.)')
    await goOffline(node(wrapper, 'C'), false)
    await sync(wrapper)
    expect(titles(node(wrapper, 'C'))).toEqual(['cook', 'clean'])
  })

  it('an overwritten value is gone from every node after sync; clocks show why the winner won', async () => {
    wrapper = mount(LwwPlayground, { attachTo: document.body })
    await add(node(wrapper, 'A'), 'buy milk')
    await sync(wrapper)
    await goOffline(node(wrapper, 'B'), true)
    await edit(node(wrapper, 'A'), 'buy milk', 'buy oat milk')
    await edit(node(wrapper, 'B'), 'buy milk', 'buy soy milk')
    await sync(wrapper) // A and C only
    expect(titles(node(wrapper, 'C'))).toEqual(['buy oat milk'])
    await goOffline(node(wrapper, 'B'), false)
    await sync(wrapper)
    for (const name of ['A', 'B', 'C']) {
      const n = node(wrapper, name)
      expect(titles(n)).toEqual(['buy soy milk']) // same clock (2): the bigger value wins
      const state = n.get('[data-testid="lww-state"]')
      expect(state.findAll('[data-testid="lww-state-row"] td').map((td) => td.text())).toEqual(['buy soy milk · 2', 'false · 0'])
      expect(state.text()).not.toContain('oat')
    }
  })

  it('toggling completes on that node only, moving the completed clock', async () => {
    wrapper = mount(LwwPlayground, { attachTo: document.body })
    await add(node(wrapper, 'A'), 'write')
    await node(wrapper, 'A').get('[data-testid="pg-todo"] input[type="checkbox"]').setValue(true)
    expect(node(wrapper, 'A').get('[data-testid="pg-todo"]').classes()).toContain('completed')
    expect(node(wrapper, 'A').findAll('[data-testid="lww-state-row"] td')[1]!.text()).toBe('true · 1')
  })

  it('Escape cancels an edit; Enter on a focused title starts one', async () => {
    wrapper = mount(LwwPlayground, { attachTo: document.body })
    const a = node(wrapper, 'A')
    await add(a, 'cook')
    await a.get('[data-testid="pg-todo-title"]').trigger('keydown', { key: 'Enter' })
    const box = a.get('input.pg-edit')
    expect(document.activeElement).toBe(box.element)
    await box.setValue('bake')
    await box.trigger('keydown', { key: 'Escape' })
    expect(titles(a)).toEqual(['cook'])
    expect(a.findAll('[data-testid="lww-state-row"] td')[0]!.text()).toBe('cook · 1')
  })
})

describe('event-log row', () => {
  it('nodes converge on sync and every node keeps every event, the overwritten title included', async () => {
    wrapper = mount(LogPlayground, { attachTo: document.body })
    await settle()
    await add(node(wrapper, 'A'), 'buy milk')
    await add(node(wrapper, 'B'), 'walk the dog')
    await sync(wrapper)
    expect(titles(node(wrapper, 'C'))).toHaveLength(2)
    await goOffline(node(wrapper, 'B'), true)
    await edit(node(wrapper, 'A'), 'buy milk', 'buy oat milk')
    await edit(node(wrapper, 'B'), 'buy milk', 'buy soy milk')
    await sync(wrapper)
    expect(titles(node(wrapper, 'C'))).toContain('buy oat milk')
    expect(node(wrapper, 'B').findAll('[data-testid="log-state-row"]')).toHaveLength(5)
    await goOffline(node(wrapper, 'B'), false)
    await sync(wrapper)
    const lists = ['A', 'B', 'C'].map((n) => titles(node(wrapper!, n)))
    expect(lists[1]).toEqual(lists[0])
    expect(lists[2]).toEqual(lists[0])
    for (const name of ['A', 'B', 'C']) {
      const rows = node(wrapper, name).findAll('[data-testid="log-state-row"]')
      expect(rows).toHaveLength(6)
      const setContents = rows.filter((r) => r.findAll('td')[3]!.text() === 'set_content').map((r) => r.findAll('td')[4]!.text())
      expect(setContents.sort()).toEqual(['"buy milk"', '"buy oat milk"', '"buy soy milk"', '"walk the dog"'])
      expect(node(wrapper, name).get('[data-testid="log-state"] caption').text()).toBe('Events (6)')
    }
    // Authors read as node names.
    const authors = node(wrapper, 'C').findAll('[data-testid="log-state-row"]').map((r) => r.findAll('td')[1]!.text())
    expect(new Set(authors)).toEqual(new Set(['A', 'B']))
  })

  it('toggling writes a complete event', async () => {
    wrapper = mount(LogPlayground, { attachTo: document.body })
    await settle()
    const a = node(wrapper, 'A')
    await add(a, 'write')
    await a.get('[data-testid="pg-todo"] input[type="checkbox"]').setValue(true)
    await settle()
    const last = a.findAll('[data-testid="log-state-row"]').at(-1)!
    expect(last.findAll('td').map((td) => td.text()).slice(3)).toEqual(['complete', 'true'])
    expect(a.get('[data-testid="pg-todo"]').classes()).toContain('completed')
  })
})

describe('playground view', () => {
  it('shows both rows and links back to where the visitor came from', async () => {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/playground', component: PlaygroundView },
        { path: '/:rest(.*)*', component: { render: () => null } },
      ],
    })
    await router.push('/playground')
    wrapper = mount(PlaygroundView, { global: { plugins: [router] } })
    await settle()
    expect(wrapper.find('[data-testid="lww-row"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="log-row"]').exists()).toBe(true)
    expect(wrapper.findAll('button').filter((b) => b.text() === 'Sync nodes')).toHaveLength(2)
    expect(wrapper.get('[data-testid="playground-back"]').attributes('href')).toBe('/')
  })
})

describe('syncReport', () => {
  it.each([
    [[false, false, false], 'Synced A, B and C.'],
    [[false, true, false], 'Synced A and C. (B is offline.)'],
    [[true, false, true], 'Nothing to sync: only B is online.'],
    [[true, true, true], 'Nothing to sync: every node is offline.'],
  ])('%j → %s', (offline, text) => {
    expect(syncReport(['A', 'B', 'C'], offline)).toBe(text)
  })
})
