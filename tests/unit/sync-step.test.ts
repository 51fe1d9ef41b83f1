/**
 * SyncStep (client/worker/sync-step.ts): statements step and reset straight on the wasm
 * module, synchronously, and fall back to wa-sqlite's async step/reset exactly when the
 * VFS has async work (a retry it asked for, pending operations) or the step failed, so
 * errors, retries and storage-full detection behave as they did through wa-sqlite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as SQLite from '@journeyapps/wa-sqlite/src/sqlite-constants.js'
import { readInteger } from '../../client/worker/sqlite-rows.ts'
import { type StepWasm, SyncStep } from '../../client/worker/sync-step.ts'
import { type MemoryStatements, openMemoryStatements } from '../helpers/open-memory-sqlite.ts'

describe('SyncStep on real SQLite (in memory)', () => {
  let memory: MemoryStatements
  beforeAll(async () => {
    memory = await openMemoryStatements()
    await memory.sql.run('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)')
  })
  afterAll(() => memory.close())

  it('steps without a promise: every row, then SQLITE_DONE', async () => {
    const { sqlite3, wasm, db, sql } = memory
    await sql.run('INSERT INTO t (k, v) VALUES (1, ?), (2, ?), (3, ?)', ['a', 'b', 'c'])
    const steps = new SyncStep(sqlite3, wasm)
    let stmt = 0
    for await (const s of sqlite3.statements(db, 'SELECT k FROM t ORDER BY k', { unscoped: true })) stmt = s
    const seen: unknown[] = []
    for (;;) {
      const rc = steps.step(stmt)
      expect(typeof rc).toBe('number') // no await needed: the sync build, no VFS work
      if (rc !== SQLite.SQLITE_ROW) {
        expect(rc).toBe(SQLite.SQLITE_DONE)
        break
      }
      seen.push(readInteger(sqlite3, stmt, 0))
    }
    expect(seen).toEqual([1, 2, 3])
    expect(steps.reset(stmt)).toBeUndefined()
    await sqlite3.finalize(stmt)
  })

  it('Statements run every step and reset through it: wa-sqlite’s async step and reset are not called', async () => {
    const { sqlite3, sql } = memory
    const original = { step: sqlite3.step, reset: sqlite3.reset }
    const slow: string[] = []
    sqlite3.step = (stmt) => (slow.push('step'), original.step(stmt))
    sqlite3.reset = (stmt) => (slow.push('reset'), original.reset(stmt))
    try {
      await sql.run('INSERT INTO t (k, v) VALUES (?, ?)', [5, 'z'])
      expect(await sql.all('SELECT v FROM t WHERE k = ?', [5], (s) => sqlite3.column_text(s, 0))).toEqual(['z'])
    } finally {
      Object.assign(sqlite3, original)
    }
    expect(slow).toEqual([])
  })

  it('a failing statement rejects with SQLiteError, SQLite’s code and message, and the statement is usable after', async () => {
    const { sqlite3, sql } = memory
    const insert = 'INSERT INTO t (k, v) VALUES (?, ?)'
    await sql.run(insert, [10, 'x'])
    const err = await Promise.resolve()
      .then(() => sql.run(insert, [10, 'again']))
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as { code: number }).code & 0xff).toBe(SQLite.SQLITE_CONSTRAINT)
    expect((err as Error).message).toMatch(/UNIQUE constraint failed: t\.k/)
    await sql.run(insert, [11, 'y']) // the cached statement was reset
    expect(await sql.first('SELECT count(*) FROM t WHERE k >= 10', [], (s) => readInteger(sqlite3, s, 0))).toBe(2)
  })
})

/** A scripted module: step and reset return what the script says; wa-sqlite's own calls are recorded. */
function scripted(stepCodes: number[], resetCodes: number[] = []) {
  const calls: string[] = []
  const wasm: StepWasm = {
    retryOps: [],
    pendingOps: [],
    _sqlite3_step: () => stepCodes.shift() ?? SQLite.SQLITE_DONE,
    _sqlite3_reset: () => resetCodes.shift() ?? SQLite.SQLITE_OK,
  }
  const sqlite3 = {
    step: async () => {
      calls.push(`wa-sqlite step (retry ops ${wasm.retryOps.length})`)
      return SQLite.SQLITE_ROW
    },
    reset: async () => {
      calls.push('wa-sqlite reset')
      throw Object.assign(new Error('disk I/O error'), { code: SQLite.SQLITE_IOERR })
    },
  } as unknown as SQLiteAPI
  return { steps: new SyncStep(sqlite3, wasm), wasm, calls }
}

describe('SyncStep falls back to wa-sqlite', () => {
  it('when the VFS asked for a retry (SQLITE_BUSY with retry ops queued): wa-sqlite waits and steps again', async () => {
    const { steps, wasm, calls } = scripted([SQLite.SQLITE_BUSY])
    wasm.retryOps.push(Promise.resolve())
    const rc = steps.step(1)
    expect(rc).toBeInstanceOf(Promise)
    expect(await rc).toBe(SQLite.SQLITE_ROW)
    expect(calls).toEqual(['wa-sqlite step (retry ops 1)'])
  })

  it('when the step failed: wa-sqlite’s reset reports that step’s error', async () => {
    const { steps, calls } = scripted([SQLite.SQLITE_IOERR])
    await expect(steps.step(1)).rejects.toMatchObject({ code: SQLite.SQLITE_IOERR })
    expect(calls).toEqual(['wa-sqlite reset'])
  })

  it('waits for and clears operations the VFS queued to finish after a call, then gives the step’s result', async () => {
    const { steps, wasm, calls } = scripted([SQLite.SQLITE_ROW, SQLite.SQLITE_DONE])
    let finished = false
    wasm.pendingOps.push(new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => void (finished = true)))
    const rc = steps.step(1)
    expect(rc).toBeInstanceOf(Promise)
    expect(await rc).toBe(SQLite.SQLITE_ROW)
    expect(finished).toBe(true)
    expect(wasm.pendingOps).toEqual([])
    expect(calls).toEqual([]) // a step that succeeded is not reset or repeated
    expect(steps.step(1)).toBe(SQLite.SQLITE_DONE) // nothing queued now: synchronous again
  })

  it('a reset that returns an error throws an SQLiteError with that code', () => {
    const { steps } = scripted([], [SQLite.SQLITE_FULL])
    expect(() => steps.reset(1)).toThrow(expect.objectContaining({ code: SQLite.SQLITE_FULL }))
  })
})
