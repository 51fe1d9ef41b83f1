/**
 * Statements (client/worker/sqlite-rows.ts): a prepared statement runs without a promise
 * when SQLite needs no asynchronous work, and whatever fails (binding, a row reader, a
 * step) leaves the cached statement reset and usable, with the first error reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IdParam, StoreRowError, readInteger } from '../../client/worker/sqlite-rows.ts'
import { type MemoryStatements, openMemoryStatements } from '../helpers/open-memory-sqlite.ts'

/** The error `run` ends with, thrown at once or as a rejection. */
async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('Statements', () => {
  let memory: MemoryStatements
  const insert = 'INSERT INTO t (k, v) VALUES (?, ?)'
  const count = 'SELECT count(*) FROM t'
  beforeAll(async () => {
    memory = await openMemoryStatements()
    await memory.sql.run('CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)')
  })
  afterAll(() => memory.close())

  it('runs a statement it has prepared before synchronously: a number, rows and a first row, no promise', async () => {
    const { sqlite3, sql } = memory
    await sql.run(insert, [1, 'a']) // prepares it
    await sql.first(count, [], (s) => readInteger(sqlite3, s, 0))
    expect(sql.run(insert, [2, 'b'])).toBe(0) // rows returned: none from an INSERT
    expect(sql.first(count, [], (s) => readInteger(sqlite3, s, 0))).toBe(2)
    const keys = 'SELECT k FROM t ORDER BY k'
    const firstRun = sql.all(keys, [], (s) => readInteger(sqlite3, s, 0))
    expect(firstRun).toBeInstanceOf(Promise) // new SQL: prepared first
    expect(await firstRun).toEqual([1, 2])
    expect(sql.all(keys, [], (s) => readInteger(sqlite3, s, 0))).toEqual([1, 2])
  })

  it('a parameter that cannot be bound fails, and the statement runs again after', async () => {
    const { sqlite3, sql } = memory
    const err = await failure(() => sql.run(insert, [3, new IdParam('not hex')]))
    expect(err).toBeInstanceOf(RangeError)
    expect(sql.run(insert, [3, new IdParam('00ff')])).toBe(0)
    expect(await sql.first('SELECT hex(v) FROM t WHERE k = ?', [3], (s) => sqlite3.column_text(s, 0))).toBe('00FF')
  })

  it('a row reader that throws stops the query with its error, and the statement is reset', async () => {
    const { sqlite3, sql } = memory
    const select = 'SELECT k FROM t ORDER BY k'
    let read = 0
    const err = await failure(() =>
      sql.all(select, [], () => {
        if (++read === 2) throw new StoreRowError('bad row')
        return read
      }),
    )
    expect(err).toBeInstanceOf(StoreRowError)
    expect(read).toBe(2)
    // Reset: the next run starts from the first row, not the third.
    expect(sql.all(select, [], (s) => readInteger(sqlite3, s, 0))).toEqual([1, 2, 3])
  })

  it('a failing step rejects with SQLite’s error, and the statement runs again after', async () => {
    const { sqlite3, sql } = memory
    const err = await failure(() => sql.run(insert, [1, 'again']))
    expect((err as Error).message).toMatch(/UNIQUE constraint failed: t\.k/)
    expect(sql.run(insert, [4, 'd'])).toBe(0)
    expect(sql.first(count, [], (s) => readInteger(sqlite3, s, 0))).toBe(4)
  })
})
