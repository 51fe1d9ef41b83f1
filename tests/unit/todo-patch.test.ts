/**
 * Todo patches (client/worker/todo-patch.ts): after its first snapshot the worker sends
 * only the todos that changed, with their new index, and the UI thread rebuilds the list.
 * Applying the patch must give exactly the worker's list, keeping every unchanged todo's
 * object (so Vue does not re-render it).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { TodoId } from '../../shared/ids.ts'
import type { TodoView } from '../../client/worker/protocol.ts'
import { PATCH_PART, PARTS_PER_FRAME, PatchInParts, applyTodoPatch, diffTodos, holdPatch, joinPatchParts, postInGroups, splitPatch } from '../../client/worker/todo-patch.ts'
import { keepUnchanged, keepUnchangedRecord } from '../../client/stores/keep-unchanged.ts'
import { todo } from '../helpers/fixtures.ts'
import { UiHeldTodos } from '../../client/worker/snapshot.ts'
import { TODO_PAGE } from '../../client/components/todo/todo-window.ts'

const view = (n: number, content: string, completed = false): TodoView => ({ id: todo(n), content, list: null, completed, churn: [], clocks: null })
const same = (t: TodoView) => t

describe('diffTodos and applyTodoPatch', () => {
  it('insert a new todo at its place in creation order, and drop a deleted one', () => {
    const before = [view(1, 'a'), view(2, 'b'), view(4, 'd')]
    const after = [view(1, 'a'), view(3, 'c'), view(4, 'd')]
    const patch = diffTodos(after, new Set([todo(2), todo(3)]), same)
    expect(patch).toEqual({ changed: [[1, after[1]]], gone: [todo(2)] })
    const next = applyTodoPatch(before, patch)
    expect(next).toEqual(after)
    expect(next[0]).toBe(before[0])
    expect(next[2]).toBe(before[2])
  })

  it('an empty patch returns the very same list', () => {
    const before = [view(1, 'a')]
    expect(applyTodoPatch(before, diffTodos(before, new Set(), same))).toBe(before)
  })

  it('rebuild the worker list from any earlier list, keeping unchanged objects', () => {
    // A universe of todos in creation order; each list is a subset, each todo in a version.
    const state = fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), { minLength: 0, maxLength: 40 })
    fc.assert(
      fc.property(state, state, fc.array(fc.nat(39)), (was, now, extraDirty) => {
        const list = (versions: Array<number | null>) =>
          versions.flatMap((v, i) => (v === null ? [] : [view(i, `todo ${i} v${v}`, v % 2 === 1)]))
        const before = list(was)
        const after = list(now)
        // The worker marks every todo an event touched: at least those that differ, maybe more.
        const dirty = new Set<TodoId>(extraDirty.map((i) => todo(i)))
        for (let i = 0; i < Math.max(was.length, now.length); i++) if ((was[i] ?? null) !== (now[i] ?? null)) dirty.add(todo(i))
        const next = applyTodoPatch(before, diffTodos(after, dirty, same))
        expect(next).toEqual(after)
        for (const t of next) if (!dirty.has(t.id)) expect(before).toContain(t)
      }),
      { numRuns: 500 },
    )
  })

  it('keep the UI to the todos it holds and those below the limit, in list order; the rest follow once the limit is lifted', () => {
    const state = fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), { minLength: 0, maxLength: 40 })
    fc.assert(
      fc.property(state, state, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), fc.nat(45), fc.array(fc.nat(39)), (was, now, holds, limit, extraDirty) => {
        const list = (versions: Array<number | null>) =>
          versions.flatMap((v, i) => (v === null ? [] : [view(i, `todo ${i} v${v}`, v % 2 === 1)]))
        const before = list(was)
        const after = list(now)
        // The UI holds some of the todos before, in their order.
        const held = new Set(before.filter((t) => holds[parseInt(t.id.slice(-2), 16)] ?? false).map((t) => t.id))
        const ui = before.filter((t) => held.has(t.id))
        const dirty = new Set<TodoId>(extraDirty.map((i) => todo(i)))
        for (let i = 0; i < Math.max(was.length, now.length); i++) if ((was[i] ?? null) !== (now[i] ?? null)) dirty.add(todo(i))
        const patch = diffTodos(after, dirty, same, { held, limit })
        const next = applyTodoPatch(ui, patch)
        expect(next).toEqual(after.filter((t, i) => held.has(t.id) || i < limit))
        for (const t of next) if (!dirty.has(t.id) && held.has(t.id)) expect(ui).toContain(t) // unchanged: the same object
        holdPatch(held, patch)
        expect([...held].sort()).toEqual(next.map((t) => t.id).sort())
        // The limit lifted (the catch-up is over): the UI gets the rest, and holds all.
        expect(applyTodoPatch(next, diffTodos(after, new Set(), same, { held, limit: Infinity }))).toEqual(after)
      }),
      { numRuns: 500 },
    )
  })

  it('apply a catch-up patch (edits in place, new todos past the end) as the general rebuild does', () => {
    // Such patches take a shortcut in applyTodoPatch; the rebuild is the reference.
    const rebuild = (before: TodoView[], patch: ReturnType<typeof diffTodos>) =>
      applyTodoPatch([...before, view(1_000_000, 'sentinel')], { ...patch, gone: [...patch.gone, todo(1_000_000)] })
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.array(fc.nat(29)), fc.integer({ min: 0, max: 10 }), (size, edited, added) => {
        const before = Array.from({ length: size }, (_, i) => view(i, `todo ${i}`))
        const after = [...before.map((t, i) => (edited.includes(i) ? view(i, `${t.content} edited`, true) : t)), ...Array.from({ length: added }, (_, j) => view(size + j, `new ${j}`))]
        const dirty = new Set<TodoId>([...edited.filter((i) => i < size).map((i) => todo(i)), ...after.slice(size).map((t) => t.id)])
        const patch = diffTodos(after, dirty, same)
        const next = applyTodoPatch(before, patch)
        expect(next).toEqual(after)
        expect(next).toEqual(rebuild(before, patch))
        next.forEach((t, i) => {
          if (!dirty.has(t.id)) expect(t).toBe(before[i]) // unchanged objects kept
        })
      }),
      { numRuns: 300 },
    )
  })

  it('do not take the shortcut for a todo that moved to the end: it is not duplicated', () => {
    // todo 1 changed and now sorts last (its creation arrived late); nothing is gone.
    const before = [view(1, 'a'), view(2, 'b')]
    const after = [view(2, 'b'), view(1, 'a moved')]
    const next = applyTodoPatch(before, diffTodos(after, new Set([todo(1)]), same))
    expect(next).toEqual(after)
  })
})

describe('splitPatch and joinPatchParts (a big patch posted in parts)', () => {
  const patchOf = (n: number) => ({ changed: Array.from({ length: n }, (_, i) => [i, view(i, `t${i}`)] as [number, TodoView]), gone: [todo(9999)] })

  it.each([0, 1, PATCH_PART, PATCH_PART + 1, 7 * PATCH_PART + 3])('cuts %i changed todos into parts of at most PATCH_PART and joins them back', (n) => {
    const patch = patchOf(n)
    const { parts, rest } = splitPatch(patch)
    for (const part of [...parts, rest.changed]) expect(part.length).toBeLessThanOrEqual(PATCH_PART)
    expect(parts.length).toBe(Math.max(0, Math.ceil(n / PATCH_PART) - 1))
    expect(rest.gone).toEqual(patch.gone) // the gone ids travel with the state
    expect(joinPatchParts(parts, rest)).toEqual(patch)
  })

  it('leaves a patch that fits in one message as it is', () => {
    const patch = patchOf(3)
    expect(splitPatch(patch)).toEqual({ parts: [], rest: patch })
    expect(splitPatch(patch).rest).toBe(patch)
  })
})

describe('PatchInParts (a patch applied part by part as its parts arrive)', () => {
  /** Applies `patch` cut into parts of `size`, part by part. */
  function inParts(before: readonly TodoView[], patch: ReturnType<typeof diffTodos>, size: number): TodoView[] {
    const { parts, rest } = splitPatch(patch, size)
    const assembled = new PatchInParts(before)
    for (const part of parts) assembled.add(part)
    return assembled.finish(rest)
  }

  it('gives what applying the whole patch at once gives, for any change and any part size', () => {
    const state = fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }), { minLength: 0, maxLength: 40 })
    fc.assert(
      fc.property(state, state, fc.array(fc.nat(39)), fc.integer({ min: 1, max: 12 }), fc.boolean(), (was, now, moved, size, withSentinel) => {
        const list = (versions: Array<number | null>) => versions.flatMap((v, i) => (v === null ? [] : [view(i, `todo ${i} v${v}`, v % 2 === 1)]))
        const before = list(was)
        let after = list(now)
        // Some todos move to the end (their creation arrived late): the in-place shortcut must not apply.
        const movers = after.filter((t) => moved.includes(parseInt(t.id.slice(-2), 16)))
        after = [...after.filter((t) => !movers.includes(t)), ...movers.map((t) => view(parseInt(t.id.slice(-2), 16), `${t.content} moved`))]
        const dirty = new Set<TodoId>(movers.map((t) => t.id))
        for (let i = 0; i < Math.max(was.length, now.length); i++) if ((was[i] ?? null) !== (now[i] ?? null)) dirty.add(todo(i))
        if (withSentinel) dirty.add(todo(1_000_000)) // an id that never was: gone
        const patch = diffTodos(after, dirty, same)
        const copy = before.slice()
        const next = inParts(before, patch, size)
        expect(next).toEqual(applyTodoPatch(before, patch))
        expect(next).toEqual(after)
        expect(before).toEqual(copy) // the list the UI holds is never changed in place
        next.forEach((t) => {
          if (!dirty.has(t.id)) expect(before).toContain(t) // unchanged: the same object
        })
      }),
      { numRuns: 500 },
    )
  })

  it("a catch-up's end: thousands of new todos after the few the UI held", () => {
    const before = Array.from({ length: 20 }, (_, i) => view(i, `todo ${i}`))
    const after = [...before, ...Array.from({ length: 3000 }, (_, j) => view(20 + j, `new ${j}`))]
    const patch = diffTodos(after, new Set(after.slice(20).map((t) => t.id)), same)
    const next = inParts(before, patch, PATCH_PART)
    expect(next).toEqual(after)
    next.slice(0, 20).forEach((t, i) => expect(t).toBe(before[i]))
  })
})

describe('postInGroups (parts posted a few per frame)', () => {
  /** What happened, in order: each part posted, and each wait for a frame. */
  async function run(parts: number[], perGroup?: number): Promise<string[]> {
    const log: string[] = []
    await postInGroups(parts, (p) => log.push(`part ${p}`), async () => void log.push('frame'), perGroup)
    return log
  }

  it('posts every part in order, waiting for a frame after each full group but not after the last', async () => {
    expect(await run([1, 2, 3, 4, 5, 6, 7], 3)).toEqual(['part 1', 'part 2', 'part 3', 'frame', 'part 4', 'part 5', 'part 6', 'frame', 'part 7'])
    expect(await run([1, 2, 3, 4, 5, 6], 3)).toEqual(['part 1', 'part 2', 'part 3', 'frame', 'part 4', 'part 5', 'part 6'])
  })

  it('waits for no frame when the parts fit in one group (patches during a catch-up)', async () => {
    expect(await run(Array.from({ length: PARTS_PER_FRAME }, (_, i) => i))).not.toContain('frame')
    expect(await run([])).toEqual([])
  })

  it('holds the next group back until the frame is drawn', async () => {
    const posted: number[] = []
    let draw!: () => void
    const done = postInGroups([1, 2, 3], (p) => posted.push(p), () => new Promise<void>((resolve) => (draw = resolve)), 2)
    await Promise.resolve()
    expect(posted).toEqual([1, 2])
    draw()
    await done
    expect(posted).toEqual([1, 2, 3])
  })
})

describe('keepUnchanged', () => {
  it('swaps equal todos back to the objects already held, and returns the old list when nothing changed', () => {
    const before = [view(1, 'a'), view(2, 'b')]
    const same2 = keepUnchanged(before, [view(1, 'a'), view(2, 'b')])
    expect(same2).toBe(before)
    const changed = keepUnchanged(before, [view(1, 'a'), view(2, 'b', true), view(3, 'c')])
    expect(changed[0]).toBe(before[0])
    expect(changed[1]).not.toBe(before[1])
    expect(changed[1]!.completed).toBe(true)
    expect(changed).toHaveLength(3)
  })

  it('sees a change in churn or clocks', () => {
    const before = [view(1, 'a')]
    const churned = { ...view(1, 'a'), churn: [{ event: 'e1', author: 'r', time: 1, lamport: 2, undid: 'e0' }] } as unknown as TodoView
    expect(keepUnchanged(before, [churned])[0]).toBe(churned)
    const clocked = { ...view(1, 'a'), clocks: { content: { lamport: 1, author: 'r' }, list: null, completed: null } } as unknown as TodoView
    expect(keepUnchanged(before, [clocked])[0]).toBe(clocked)
  })
})

describe('keepUnchangedRecord', () => {
  it('a copy with the same entries gives back the record the UI holds', () => {
    const before = { r1: 'ann', r2: 'bob' }
    expect(keepUnchangedRecord(before, { r2: 'bob', r1: 'ann' })).toBe(before)
    expect(keepUnchangedRecord({}, {})).toEqual({})
  })

  it('a changed, added or removed entry gives the new record', () => {
    const before = { r1: 'ann', r2: 'bob' }
    const nexts: Array<Record<string, string>> = [{ r1: 'ann', r2: 'bo' }, { r1: 'ann', r2: 'bob', r3: 'cy' }, { r1: 'ann' }, { r1: 'ann', r3: 'bob' }]
    for (const next of nexts) {
      expect(keepUnchangedRecord(before, next)).toBe(next)
    }
  })
})

describe('UiHeldTodos (what the UI holds, for the next patch)', () => {
  it('holds a first page during a catch-up and everything after; follows full lists and patches', () => {
    const ui = new UiHeldTodos()
    expect(ui.forPatch(true).limit).toBe(TODO_PAGE)
    expect(ui.forPatch(false).limit).toBe(Infinity)
    ui.after({ todos: [view(1, 'a'), view(2, 'b')] })
    expect([...ui.forPatch(true).held]).toEqual([todo(1), todo(2)])
    ui.after({ todos: { changed: [[2, view(3, 'c')]], gone: [todo(1)] } })
    expect([...ui.forPatch(true).held].sort()).toEqual([todo(2), todo(3)])
    ui.after({ todos: [view(4, 'd')] }) // a full list replaces what was held
    expect([...ui.forPatch(false).held]).toEqual([todo(4)])
  })
})
