/**
 * The boundary between JavaScript values and SQLite rows: a per-connection cache of
 * prepared statements, parameter binding, and typed column readers that validate the
 * storage class of what they read.
 *
 *   bind:  string → TEXT,  boolean → INTEGER 0/1,  id (hex) → BLOB,  integer → INTEGER,
 *          null → NULL; strings and blobs written straight into wasm memory (param-writer.ts)
 *   read:  the same, checked: a row of an unexpected class throws StoreRowError.
 *
 * Statements are prepared once per SQL string (SQLITE_PREPARE_PERSISTENT) and reset after
 * each use. Callers must not interleave two uses of one connection across awaits: the
 * store serializes every call.
 */
import * as SQLite from '@journeyapps/wa-sqlite/src/sqlite-constants.js'
import { type EventId, type ReplicaId, type TodoId, EVENT_ID_BYTES, bytesToHex } from '../../shared/ids.ts'
import type { EventValue, TodoEvent } from '../../shared/event.ts'
import type { TodoState } from '../../shared/todo-fold.ts'
import { ParamWriter, type SqliteWasm } from './param-writer.ts'
import { SyncStep } from './sync-step.ts'

/** An id (hex) to bind as the BLOB of its bytes, written when bound (see idParam). */
export class IdParam {
  constructor(readonly hex: string) {}
}

/** A bound parameter. */
export type SqlParam = string | number | bigint | Uint8Array | IdParam | null

/** Thrown when a stored row does not have the shape the schema promises. */
export class StoreRowError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StoreRowError'
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true })
const INT32_MAX = 0x7fffffff
const EVENT_ID_HEX = EVENT_ID_BYTES * 2

/** A value, or a promise of it when it could not be had at once (never a promise of a promise). */
export type MaybePromise<T> = T | Promise<T>

/** Prepared statements of one connection, keyed by SQL text. */
export class Statements {
  readonly #cache = new Map<string, number>()
  readonly #params: ParamWriter
  readonly #steps: SyncStep

  constructor(
    private readonly sqlite3: SQLiteAPI,
    private readonly db: number,
    wasm: SqliteWasm,
  ) {
    this.#params = new ParamWriter(wasm)
    this.#steps = new SyncStep(sqlite3, wasm)
  }

  /**
   * Runs one statement with `params`, calling `onRow` on each result row; returns the row
   * count. Synchronously, without a promise, when the statement is prepared already and
   * the VFS has no asynchronous work (the usual case, see SyncStep): a catch-up runs
   * ~300k statements, and an async call per statement allocated ~1 KB of promises and
   * frames each (a heap profile of a 40k-event catch-up in Node: `run`, `first`, `all`
   * and `#prepare` held a quarter of all it allocated), which the worker's collector then
   * swept on threads sharing the cores with the UI. Hot loops take the value as it comes
   * (`instanceof Promise`); anything else may simply await it.
   */
  run(sql: string, params: readonly SqlParam[] = [], onRow?: (stmt: number) => void): MaybePromise<number> {
    const stmt = this.#cache.get(sql)
    if (stmt === undefined) return this.#prepare(sql).then((prepared) => this.#run(prepared, params, onRow))
    return this.#run(stmt, params, onRow)
  }

  /** Every row of a query, each mapped by `read` (synchronously when `run` is). */
  all<T>(sql: string, params: readonly SqlParam[], read: (stmt: number) => T): MaybePromise<T[]> {
    const out: T[] = []
    const rows = this.run(sql, params, (stmt) => out.push(read(stmt)))
    return typeof rows === 'number' ? out : rows.then(() => out)
  }

  /** The first row of a query mapped by `read`, or undefined when there is none (synchronously when `run` is). */
  first<T>(sql: string, params: readonly SqlParam[], read: (stmt: number) => T): MaybePromise<T | undefined> {
    let row: T | undefined
    let seen = false
    const rows = this.run(sql, params, (stmt) => {
      if (!seen) row = read(stmt)
      seen = true
    })
    return typeof rows === 'number' ? row : rows.then(() => row)
  }

  #run(stmt: number, params: readonly SqlParam[], onRow: ((stmt: number) => void) | undefined): number | Promise<number> {
    let rows = 0
    try {
      for (let i = 0; i < params.length; i++) bindParam(this.sqlite3, this.#params, stmt, i + 1, params[i]!)
      for (;;) {
        const rc = this.#steps.step(stmt)
        if (typeof rc !== 'number') return this.#runSlowly(stmt, rc, rows, onRow)
        if (rc !== SQLite.SQLITE_ROW) break
        rows++
        onRow?.(stmt)
      }
    } catch (err) {
      return this.#resetAfterFailure(stmt, err)
    }
    // A reset failing after steps that did not is a real error: it propagates.
    const reset = this.#steps.reset(stmt)
    return reset ? reset.then(() => rows) : rows
  }

  /** The rest of `#run` once a step has turned asynchronous (`pending`). */
  async #runSlowly(stmt: number, pending: Promise<number>, rows: number, onRow: ((stmt: number) => void) | undefined): Promise<number> {
    try {
      for (let rc = await pending; rc === SQLite.SQLITE_ROW; ) {
        rows++
        onRow?.(stmt)
        const next = this.#steps.step(stmt)
        rc = typeof next === 'number' ? next : await next
      }
    } catch (err) {
      return this.#resetAfterFailure(stmt, err)
    }
    const reset = this.#steps.reset(stmt)
    if (reset) await reset
    return rows
  }

  /**
   * Resets `stmt` after binding, stepping or `onRow` threw `err`, and throws `err`. After a
   * failed step, reset reports that same failure again: the original error is already
   * propagating, so the reset's own is dropped.
   */
  #resetAfterFailure(stmt: number, err: unknown): never | Promise<never> {
    let reset: void | Promise<void>
    try {
      reset = this.#steps.reset(stmt)
    } catch {
      throw err
    }
    if (!reset) throw err
    return reset.then(
      () => Promise.reject(err),
      () => Promise.reject(err),
    )
  }

  /** Finalizes every cached statement (before closing the connection). */
  async finalizeAll(): Promise<void> {
    for (const stmt of this.#cache.values()) await this.sqlite3.finalize(stmt)
    this.#cache.clear()
    this.#params.release()
  }

  async #prepare(sql: string): Promise<number> {
    const cached = this.#cache.get(sql)
    if (cached !== undefined) return cached
    const options = { unscoped: true, flags: SQLite.SQLITE_PREPARE_PERSISTENT }
    for await (const stmt of this.sqlite3.statements(this.db, sql, options)) {
      // Only the first statement of `sql` is used; `unscoped` keeps it alive past the loop.
      this.#cache.set(sql, stmt)
      return stmt
    }
    throw new Error(`no SQL statement in: ${sql}`)
  }
}

/** Binds one parameter: numbers through wa-sqlite, strings and blobs through `params`. */
export function bindParam(sqlite3: SQLiteAPI, params: ParamWriter, stmt: number, i: number, value: SqlParam): void {
  if (value === null) sqlite3.bind_null(stmt, i)
  else if (typeof value === 'string') params.text(stmt, i, value)
  else if (typeof value === 'bigint') sqlite3.bind_int64(stmt, i, value)
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) <= INT32_MAX) sqlite3.bind_int(stmt, i, value)
    else if (Number.isSafeInteger(value)) sqlite3.bind_int64(stmt, i, BigInt(value))
    else sqlite3.bind_double(stmt, i, value)
  } else if (value instanceof IdParam) params.hex(stmt, i, value.hex)
  else params.bytes(stmt, i, value)
}

/** A hex id as a parameter: bound as its bytes (a RangeError then if it is not hex). */
export function idParam(hex: string): IdParam {
  return new IdParam(hex)
}

/** An event value as a parameter: the SQL stores strings with CAST(? AS TEXT), booleans as 0/1. */
export function valueParam(value: EventValue): SqlParam {
  if (value === null || typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  throw new TypeError(`event value must be a string, boolean or null, not ${typeof value}`)
}

/** A boolean as 0/1. */
export function boolParam(value: boolean): number {
  if (typeof value !== 'boolean') throw new TypeError(`expected a boolean, not ${typeof value}`)
  return value ? 1 : 0
}

/** An INTEGER column as a safe integer. */
export function readInteger(sqlite3: SQLiteAPI, stmt: number, col: number): number {
  expectType(sqlite3, stmt, col, SQLite.SQLITE_INTEGER)
  const value = sqlite3.column(stmt, col)
  if (typeof value !== 'number') throw new StoreRowError(`column ${col} is not a safe integer`)
  return value
}

/** An INTEGER 0/1 column as a boolean. */
export function readBoolean(sqlite3: SQLiteAPI, stmt: number, col: number): boolean {
  return readInteger(sqlite3, stmt, col) !== 0
}

/** A TEXT column, read as bytes so embedded U+0000 survives. */
export function readText(sqlite3: SQLiteAPI, stmt: number, col: number): string {
  expectType(sqlite3, stmt, col, SQLite.SQLITE_TEXT)
  return decoder.decode(sqlite3.column_blob(stmt, col))
}

/** A nullable TEXT column. */
export function readTextOrNull(sqlite3: SQLiteAPI, stmt: number, col: number): string | null {
  return sqlite3.column_type(stmt, col) === SQLite.SQLITE_NULL ? null : readText(sqlite3, stmt, col)
}

/** A BLOB id column as lowercase hex. */
export function readId<T extends string>(sqlite3: SQLiteAPI, stmt: number, col: number): T {
  expectType(sqlite3, stmt, col, SQLite.SQLITE_BLOB)
  // column_blob is a view into wasm memory: it is converted before any other SQLite call.
  return bytesToHex(sqlite3.column_blob(stmt, col)) as T
}

/** A nullable BLOB id column. */
export function readIdOrNull<T extends string>(sqlite3: SQLiteAPI, stmt: number, col: number): T | null {
  return sqlite3.column_type(stmt, col) === SQLite.SQLITE_NULL ? null : readId<T>(sqlite3, stmt, col)
}

/** An event value: TEXT is a string, INTEGER a boolean, NULL null. */
export function readValue(sqlite3: SQLiteAPI, stmt: number, col: number): EventValue {
  switch (sqlite3.column_type(stmt, col)) {
    case SQLite.SQLITE_NULL:
      return null
    case SQLite.SQLITE_INTEGER:
      return readBoolean(sqlite3, stmt, col)
    case SQLite.SQLITE_TEXT:
      return readText(sqlite3, stmt, col)
    default:
      throw new StoreRowError(`column ${col} holds no event value`)
  }
}

function expectType(sqlite3: SQLiteAPI, stmt: number, col: number, type: number): void {
  const found = sqlite3.column_type(stmt, col)
  if (found !== type) throw new StoreRowError(`column ${col} has SQLite type ${found}, expected ${type}`)
}

/**
 * The columns readEvent expects, selected from `event e`, `replica_clock r` (its author)
 * and `todo_key k` (its todo). Parents come back as one string of concatenated hex ids in
 * their original order, which saves a query per event.
 */
export const EVENT_COLUMNS = `e.id, e.lamport, r.author, k.id, e.type, e.value, e.time,
  (SELECT group_concat(hex(p.id), '' ORDER BY d.pos)
     FROM event_dag d JOIN event p ON p.seq = d.parent_seq WHERE d.event_seq = e.seq)`

/** An event from a row of EVENT_COLUMNS. */
export function readEvent(sqlite3: SQLiteAPI, stmt: number): TodoEvent {
  const parentsHex = readTextOrNull(sqlite3, stmt, 7)?.toLowerCase() ?? ''
  const parents: EventId[] = []
  for (let i = 0; i < parentsHex.length; i += EVENT_ID_HEX) parents.push(parentsHex.slice(i, i + EVENT_ID_HEX) as EventId)
  return {
    id: readId<EventId>(sqlite3, stmt, 0),
    parents,
    lamport: readInteger(sqlite3, stmt, 1),
    author: readId<ReplicaId>(sqlite3, stmt, 2),
    todo: readId<TodoId>(sqlite3, stmt, 3),
    type: readText(sqlite3, stmt, 4),
    value: readValue(sqlite3, stmt, 5),
    time: readInteger(sqlite3, stmt, 6),
  }
}

/** The `todo` columns in TodoState field order, for readTodo and todoParams. */
export const TODO_COLUMNS =
  'id, content, list, completed, deleted, created, created_lamport, created_id, last_lamport, last_id, extra'

/** Placeholders matching TODO_COLUMNS, text columns cast (see bindParam). */
export const TODO_VALUES = '?1, CAST(?2 AS TEXT), CAST(?3 AS TEXT), ?4, ?5, ?6, ?7, ?8, ?9, ?10, CAST(?11 AS TEXT)'

/** A todo state as parameters for TODO_VALUES. */
export function todoParams(t: TodoState): SqlParam[] {
  return [
    idParam(t.id),
    t.content,
    t.list,
    boolParam(t.completed),
    boolParam(t.deleted),
    boolParam(t.created),
    t.createdLamport,
    t.createdId === null ? null : idParam(t.createdId),
    t.lastLamport,
    t.lastId === null ? null : idParam(t.lastId),
    t.churn.length === 0 && t.clocks === null ? null : JSON.stringify({ churn: t.churn, clocks: t.clocks }),
  ]
}

/** A todo state from a row of TODO_COLUMNS. */
export function readTodo(sqlite3: SQLiteAPI, stmt: number): TodoState {
  return {
    id: readId<TodoId>(sqlite3, stmt, 0),
    content: readText(sqlite3, stmt, 1),
    list: readTextOrNull(sqlite3, stmt, 2),
    completed: readBoolean(sqlite3, stmt, 3),
    deleted: readBoolean(sqlite3, stmt, 4),
    created: readBoolean(sqlite3, stmt, 5),
    createdLamport: readInteger(sqlite3, stmt, 6),
    createdId: readIdOrNull<EventId>(sqlite3, stmt, 7),
    lastLamport: readInteger(sqlite3, stmt, 8),
    lastId: readIdOrNull<EventId>(sqlite3, stmt, 9),
    ...readExtra(readTextOrNull(sqlite3, stmt, 10)),
  }
}

/** Interpretation-specific fields, written by this module as JSON (so trusted in shape). */
function readExtra(json: string | null): Pick<TodoState, 'churn' | 'clocks'> {
  if (json === null) return { churn: [], clocks: null }
  const parsed = JSON.parse(json) as Pick<TodoState, 'churn' | 'clocks'>
  return { churn: parsed.churn ?? [], clocks: parsed.clocks ?? null }
}
