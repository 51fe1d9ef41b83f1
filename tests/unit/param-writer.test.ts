/**
 * ParamWriter (client/worker/param-writer.ts): strings and blobs are written straight into
 * wa-sqlite's memory and bound SQLITE_TRANSIENT, one scratch region reused for every
 * value. What is bound must be exactly what SQLite reads back, whatever the value's size
 * and content, and after the wasm memory grows. (The EventStore contract covers the same
 * through the store; these name the edges.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { IdParam, type SqlParam, type Statements, readText } from '../../client/worker/sqlite-rows.ts'
import type { SqliteWasm } from '../../client/worker/param-writer.ts'
import { type MemoryStatements, openMemoryStatements } from '../helpers/open-memory-sqlite.ts'

let memory: MemoryStatements
let sqlite3: SQLiteAPI
let wasm: SqliteWasm
let sql: Statements
beforeAll(async () => {
  memory = await openMemoryStatements()
  ;({ sqlite3, wasm, sql } = memory)
})
afterAll(() => memory.close())

/** SQLite's type and value for each bound parameter, read back in one row. */
async function roundTrip(...params: SqlParam[]): Promise<Array<[string, unknown]>> {
  const columns = params.map((_, i) => `typeof(?${i + 1}), ?${i + 1}`).join(', ')
  const row = await sql.first(`SELECT ${columns}`, params, (stmt) =>
    params.map((_, i): [string, unknown] => {
      const type = sqlite3.column_text(stmt, 2 * i)
      // Text as the store reads it (readText: its bytes, so U+0000 does not end it).
      const value = type === 'blob' ? Array.from(sqlite3.column_blob(stmt, 2 * i + 1)) : readText(sqlite3, stmt, 2 * i + 1)
      return [type, value]
    }),
  )
  return row!
}

describe('ParamWriter', () => {
  it('binds text whole: empty, non-ASCII, surrogate pairs and U+0000 inside', async () => {
    const texts = ['', 'plain', 'héllo ✓ 日本語', '🎉🎉', 'nul\u0000inside', '\u0000']
    expect(await roundTrip(...texts)).toEqual(texts.map((t) => ['text', t]))
  })

  it('binds any string as its UTF-8: ASCII ones and others, short and long, non-ASCII after an ASCII start', async () => {
    const texts = ['abcdé', 'x'.repeat(256) + 'é', 'y'.repeat(257), 'a'.repeat(300) + '日本', '\u007f\u0080']
    expect(await roundTrip(...texts)).toEqual(texts.map((t) => ['text', t]))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { minLength: 1, maxLength: 4 }), async (texts) => {
        expect(await roundTrip(...texts)).toEqual(texts.map((t) => ['text', t]))
      }),
      { numRuns: 200 },
    )
  })

  it('binds several values of one statement from the one scratch region, each as it was', async () => {
    expect(await roundTrip('first', new IdParam('00ff10'), 'third', Uint8Array.of(7, 8))).toEqual([
      ['text', 'first'],
      ['blob', [0x00, 0xff, 0x10]],
      ['text', 'third'],
      ['blob', [7, 8]],
    ])
  })

  it('binds a hex id as its bytes, upper or lower case', async () => {
    expect(await roundTrip(new IdParam('0a1B'), new IdParam(''))).toEqual([
      ['blob', [0x0a, 0x1b]],
      ['blob', []],
    ])
  })

  it('refuses an id that is not hex, with a RangeError, and binds the next statement normally', async () => {
    await expect(roundTrip(new IdParam('0g'))).rejects.toThrow(RangeError)
    await expect(roundTrip(new IdParam('abc'))).rejects.toThrow(/hex string expected/)
    expect(await roundTrip(new IdParam('ab'))).toEqual([['blob', [0xab]]])
  })

  it('grows its region for a value larger than any before', async () => {
    const big = 'x'.repeat(100_000) + '✓'
    const bytes = new Uint8Array(300_000).map((_, i) => i % 251)
    const [text, blob] = await roundTrip(big, bytes)
    expect(text).toEqual(['text', big])
    expect(blob).toEqual(['blob', Array.from(bytes)])
    expect(await roundTrip('small again')).toEqual([['text', 'small again']])
  })

  it('still binds correctly after the wasm memory grew (its old views are detached)', async () => {
    expect(await roundTrip('before')).toEqual([['text', 'before']])
    const before = wasm.HEAPU8.buffer
    const block = wasm._sqlite3_malloc(64 * 1024 * 1024) // more than the module has free: memory grows
    try {
      expect(wasm.HEAPU8.buffer).not.toBe(before)
      expect(await roundTrip('after', new IdParam('beef'))).toEqual([
        ['text', 'after'],
        ['blob', [0xbe, 0xef]],
      ])
    } finally {
      wasm._sqlite3_free(block)
    }
  })
})
