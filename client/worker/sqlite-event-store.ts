/**
 * SqliteEventStore: the EventStore port over one wa-sqlite connection (OPFS in the
 * browser's worker, memory under Node). Schema and invariants: sqlite-schema.ts.
 *
 *   call ──▶ mutex (one call at a time) ──▶ cached prepared statements ──▶ SQLite
 *
 * - Every call runs alone: a wa-sqlite connection must not interleave statements of two
 *   calls across awaits, so calls queue behind each other in arrival order.
 * - `commit` is one BEGIN IMMEDIATE … COMMIT transaction (on OPFS the commit, not the
 *   rows, costs the time). Any error rolls it back and is rethrown: all or nothing.
 * - Per batch, commit interns each author (upserting its clock entry) and todo once,
 *   inserts each event (skipping ids already stored) with its parent links, then moves
 *   the heads once: new events no new event names become heads, their parents stop being.
 * - A missing parent cannot be linked by `seq`, so the commit fails and rolls back, as
 *   the port requires.
 */
import type { EventId, ReplicaId, TodoId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import type { TodoState } from '../../shared/todo-fold.ts'
import { type Ordered, compareEvents } from '../../shared/order.ts'
import { type EventStore, StoreClosedError, type VersionVector } from '../../shared/event-store.ts'
import { eventIdIs, migrate } from './sqlite-schema.ts'
import type { SqliteWasm } from './param-writer.ts'
import {
  EVENT_COLUMNS,
  type MaybePromise,
  Statements,
  TODO_COLUMNS,
  TODO_VALUES,
  idParam,
  readEvent,
  readId,
  readInteger,
  readText,
  readTodo,
  todoParams,
  valueParam,
} from './sqlite-rows.ts'

const EVENT_FROM = 'FROM event e JOIN replica_clock r ON r.seq = e.author JOIN todo_key k ON k.seq = e.todo'

/**
 * The lamport the clock parameter ?1 (clockParam: a JSON object, author hex → lamport)
 * names for replica_clock row `r`'s author; 0 for an author it does not name.
 */
const KNOWN_LAMPORT = 'coalesce((SELECT c.value FROM json_each(?1) c WHERE c.key = lower(hex(r.author))), 0)'
const clockParam = (clock: VersionVector): string => JSON.stringify(Object.fromEntries(clock))

const SQL = {
  begin: 'BEGIN IMMEDIATE',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  heads: 'SELECT e.id FROM head h JOIN event e ON e.seq = h.seq ORDER BY e.id',
  // ?1: a JSON array of hex ids; each row is one found id's position in it and lamport.
  // json_each outer (CROSS JOIN), so each id is one descent of the id index.
  lamportsOf: `SELECT j.key, e.lamport FROM json_each(?1) j CROSS JOIN event e ON ${eventIdIs('e', 'unhex(j.value)')}`,
  eventById: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM} WHERE ${eventIdIs('e', '?1')}`,
  eventsOfTodo: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM}
    WHERE e.todo = (SELECT seq FROM todo_key WHERE id = ?1) ORDER BY e.lamport, e.id`,
  // Through event_dag_parent: the rows naming ?1 as a parent.
  childrenOf: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM} WHERE e.seq IN (
    SELECT d.event_seq FROM event p JOIN event_dag d ON d.parent_seq = p.seq WHERE ${eventIdIs('p', '?1')})`,
  // A range of event_lamport from ?1; only the rows of one lamport are sorted by id.
  eventsFrom: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM}
    WHERE e.lamport >= ?1 AND (e.lamport > ?1 OR e.id > ?2) ORDER BY e.lamport, e.id LIMIT ?3`,
  eventsFromStart: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM} ORDER BY e.lamport, e.id LIMIT ?1`,
  eventsBefore: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM}
    WHERE e.lamport <= ?1 AND (e.lamport < ?1 OR e.id < ?2) ORDER BY e.lamport DESC, e.id DESC LIMIT ?3`,
  eventsNewest: `SELECT ${EVENT_COLUMNS} ${EVENT_FROM} ORDER BY e.lamport DESC, e.id DESC LIMIT ?1`,
  clock: 'SELECT author, lamport FROM replica_clock',
  // Authors outer, so each author's events come from a range of the (author, lamport) index.
  eventsAfter: `SELECT ${EVENT_COLUMNS}
    FROM replica_clock r CROSS JOIN event e ON e.author = r.seq JOIN todo_key k ON k.seq = e.todo
    WHERE e.lamport > ${KNOWN_LAMPORT}
    ORDER BY e.lamport, e.id`,
  countAfter: `SELECT count(*) FROM replica_clock r CROSS JOIN event e ON e.author = r.seq
    WHERE e.lamport > ${KNOWN_LAMPORT}`,
  // A page of eventsAfter: the event_lamport index in order, stopping after ?4 rows, each
  // row checked against its author's known lamport from a small table made once per query
  // (not the author-first plan above, which must sort every missing event for any page).
  eventsAfterFrom: `WITH known (author, lamport) AS MATERIALIZED (
      SELECT r.seq, ${KNOWN_LAMPORT} FROM replica_clock r)
    SELECT ${EVENT_COLUMNS} FROM event e CROSS JOIN known n ON n.author = e.author
      JOIN replica_clock r ON r.seq = e.author JOIN todo_key k ON k.seq = e.todo
    WHERE e.lamport >= ?2 AND (e.lamport > ?2 OR e.id > ?3) AND e.lamport > n.lamport AND e.seq <= ?5
    ORDER BY e.lamport, e.id LIMIT ?4`,
  // seq is dense (see sqlite-schema.ts, invariant 6): the count is the last rowid, one
  // b-tree descent, where count(*) reads an index of every event.
  count: 'SELECT coalesce(max(seq), 0) FROM event',
  loadTodos: `SELECT ${TODO_COLUMNS} FROM todo`,
  clearTodos: 'DELETE FROM todo',
  upsertTodo: `INSERT OR REPLACE INTO todo (${TODO_COLUMNS}) VALUES (${TODO_VALUES})`,
  upsertAuthor: `INSERT INTO replica_clock (author, lamport) VALUES (?1, ?2)
    ON CONFLICT (author) DO UPDATE SET lamport = max(lamport, excluded.lamport)`,
  internTodo: 'INSERT INTO todo_key (id) VALUES (?1) ON CONFLICT (id) DO NOTHING',
  insertEvent: `INSERT INTO event (id, lamport, author, todo, type, value, time)
    SELECT ?1, ?2, r.seq, k.seq, CAST(?5 AS TEXT), CASE typeof(?6) WHEN 'blob' THEN CAST(?6 AS TEXT) ELSE ?6 END, ?7
    FROM replica_clock r, todo_key k WHERE r.author = ?3 AND k.id = ?4
      AND NOT EXISTS (SELECT 1 FROM event e WHERE ${eventIdIs('e', '?1')})
    RETURNING seq`,
  linkParent: `INSERT INTO event_dag (event_seq, pos, parent_seq) SELECT ?1, ?2, e.seq FROM event e WHERE ${eventIdIs('e', '?3')}`,
  dropParentHeadsSince: 'DELETE FROM head WHERE seq IN (SELECT parent_seq FROM event_dag WHERE event_seq >= ?1)',
  addHead: 'INSERT INTO head (seq) VALUES (?1)',
  getMeta: 'SELECT value FROM meta WHERE key = CAST(?1 AS TEXT)',
  setMeta: 'INSERT OR REPLACE INTO meta (key, value) VALUES (CAST(?1 AS TEXT), CAST(?2 AS TEXT))',
} as const

export class SqliteEventStore implements EventStore {
  readonly #sqlite3: SQLiteAPI
  readonly #db: number
  readonly #sql: Statements
  /** Settles when the last queued call has finished; calls chain onto it. */
  #tail: Promise<void> = Promise.resolve()
  #closed = false

  private constructor(sqlite3: SQLiteAPI, db: number, wasm: SqliteWasm) {
    this.#sqlite3 = sqlite3
    this.#db = db
    this.#sql = new Statements(sqlite3, db, wasm)
  }

  /**
   * Migrates the open database `db` to the current schema and takes ownership of it.
   * `wasm`: the module behind `sqlite3` (parameters are written into its memory).
   */
  static async open(sqlite3: SQLiteAPI, db: number, wasm: SqliteWasm): Promise<SqliteEventStore> {
    await migrate(sqlite3, db)
    return new SqliteEventStore(sqlite3, db, wasm)
  }

  heads(): Promise<EventId[]> {
    return this.#use(() => this.#sql.all(SQL.heads, [], (s) => readId<EventId>(this.#sqlite3, s, 0)))
  }

  lamportsOf(ids: readonly EventId[]): Promise<Map<EventId, number>> {
    // One statement for the whole set: a catch-up looks up ~100k ids (every incoming event
    // and its parents), and a statement per id cost more in binding and stepping than the
    // index descents themselves.
    return this.#use(async () => {
      const out = new Map<EventId, number>()
      if (ids.length === 0) return out
      await this.#sql.run(SQL.lamportsOf, [JSON.stringify(ids)], (s) => {
        out.set(ids[readInteger(this.#sqlite3, s, 0)]!, readInteger(this.#sqlite3, s, 1))
      })
      return out
    })
  }

  get(ids: readonly EventId[]): Promise<TodoEvent[]> {
    return this.#use(async () => {
      const out: TodoEvent[] = []
      for (const id of new Set(ids)) {
        const event = await this.#sql.first(SQL.eventById, [idParam(id)], (s) => readEvent(this.#sqlite3, s))
        if (event) out.push(event)
      }
      return out.sort(compareEvents)
    })
  }

  clock(): Promise<VersionVector> {
    return this.#use(async () => {
      const clock: VersionVector = new Map()
      await this.#sql.run(SQL.clock, [], (s) => {
        clock.set(readId<ReplicaId>(this.#sqlite3, s, 0), readInteger(this.#sqlite3, s, 1))
      })
      return clock
    })
  }

  eventsAfter(clock: VersionVector): Promise<TodoEvent[]> {
    const known = clockParam(clock)
    return this.#use(() => this.#sql.all(SQL.eventsAfter, [known], (s) => readEvent(this.#sqlite3, s)))
  }

  async countAfter(clock: VersionVector): Promise<number> {
    const known = clockParam(clock)
    return this.#use(async () => (await this.#sql.first(SQL.countAfter, [known], (s) => readInteger(this.#sqlite3, s, 0))) ?? 0)
  }

  eventsAfterFrom(clock: VersionVector, after: Ordered | null, limit: number, among: number): Promise<TodoEvent[]> {
    const known = clockParam(clock)
    // From the start: lamport ≥ 1 > 0 for every event, so the id never decides. `among`:
    // seq runs 1..n in storing order (sqlite-schema.ts, invariant 6).
    const [lamport, id] = after === null ? [0, new Uint8Array(0)] : [after.lamport, idParam(after.id)]
    return this.#use(() => this.#sql.all(SQL.eventsAfterFrom, [known, lamport, id, limit, among], (s) => readEvent(this.#sqlite3, s)))
  }

  eventsOfTodo(todo: TodoId): Promise<TodoEvent[]> {
    return this.#use(() => this.#sql.all(SQL.eventsOfTodo, [idParam(todo)], (s) => readEvent(this.#sqlite3, s)))
  }

  childrenOf(ids: readonly EventId[]): Promise<TodoEvent[]> {
    return this.#use(async () => {
      const found = new Map<EventId, TodoEvent>()
      for (const id of new Set(ids)) {
        for (const child of await this.#sql.all(SQL.childrenOf, [idParam(id)], (s) => readEvent(this.#sqlite3, s))) {
          found.set(child.id, child)
        }
      }
      return [...found.values()].sort(compareEvents)
    })
  }

  eventsFrom(after: Ordered | null, limit: number): Promise<TodoEvent[]> {
    const read = (s: number) => readEvent(this.#sqlite3, s)
    return this.#use(() =>
      after === null
        ? this.#sql.all(SQL.eventsFromStart, [limit], read)
        : this.#sql.all(SQL.eventsFrom, [after.lamport, idParam(after.id), limit], read),
    )
  }

  eventsBefore(before: Ordered | null, limit: number): Promise<TodoEvent[]> {
    const read = (s: number) => readEvent(this.#sqlite3, s)
    return this.#use(() =>
      before === null
        ? this.#sql.all(SQL.eventsNewest, [limit], read)
        : this.#sql.all(SQL.eventsBefore, [before.lamport, idParam(before.id), limit], read),
    )
  }

  count(): Promise<number> {
    return this.#use(async () => (await this.#sql.first(SQL.count, [], (s) => readInteger(this.#sqlite3, s, 0))) ?? 0)
  }

  loadTodos(): Promise<TodoState[]> {
    return this.#use(() => this.#sql.all(SQL.loadTodos, [], (s) => readTodo(this.#sqlite3, s)))
  }

  commit(events: readonly TodoEvent[], todos: readonly TodoState[]): Promise<void> {
    return this.#use(async () => {
      if (events.length === 0 && todos.length === 0) return
      await this.#sql.run(SQL.begin)
      try {
        await this.#insertEvents(events)
        await this.#upsertTodos(todos)
        await this.#sql.run(SQL.commit)
      } catch (err) {
        // Some errors (e.g. SQLITE_FULL) already rolled the transaction back.
        if (!this.#sqlite3.get_autocommit(this.#db)) await this.#sql.run(SQL.rollback)
        throw err
      }
    })
  }

  replaceTodos(todos: readonly TodoState[]): Promise<void> {
    return this.#use(async () => {
      await this.#sql.run(SQL.begin)
      try {
        await this.#sql.run(SQL.clearTodos)
        await this.#upsertTodos(todos)
        await this.#sql.run(SQL.commit)
      } catch (err) {
        if (!this.#sqlite3.get_autocommit(this.#db)) await this.#sql.run(SQL.rollback)
        throw err
      }
    })
  }

  getMeta(key: string): Promise<string | null> {
    return this.#use(async () => (await this.#sql.first(SQL.getMeta, [key], (s) => readText(this.#sqlite3, s, 0))) ?? null)
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.#use(async () => {
      await this.#sql.run(SQL.setMeta, [key, value])
    })
  }

  close(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#closed) return
      this.#closed = true
      await this.#sql.finalizeAll()
      await this.#sqlite3.close(this.#db)
    })
  }

  /**
   * Inserts a batch inside the open transaction. Statement count dominates the cost, so
   * authors and todos are interned once per batch and heads are moved once per batch;
   * per event there is one insert plus one link per parent. Ids already stored are skipped.
   */
  async #insertEvents(events: readonly TodoEvent[]): Promise<void> {
    if (events.length === 0) return
    const authors = new Map<string, number>()
    const todos = new Set<string>()
    for (const e of events) {
      authors.set(e.author, Math.max(authors.get(e.author) ?? 0, e.lamport))
      todos.add(e.todo)
    }
    // The per-row statements below take their results as they come: awaited only when the
    // VFS has asynchronous work (Statements.run says why).
    for (const [author, lamport] of authors) await this.#sql.run(SQL.upsertAuthor, [idParam(author), lamport])
    for (const todo of todos) await this.#sql.run(SQL.internTodo, [idParam(todo)])

    let firstSeq: number | undefined
    const inserted: Array<{ seq: number; event: TodoEvent }> = []
    const readSeq = (s: number) => readInteger(this.#sqlite3, s, 0)
    for (const e of events) {
      const row = [idParam(e.id), e.lamport, idParam(e.author), idParam(e.todo), e.type, valueParam(e.value), e.time]
      let seq = this.#sql.first(SQL.insertEvent, row, readSeq)
      if (seq instanceof Promise) seq = await seq
      if (seq === undefined) continue // already stored: events never change, so nothing to do
      firstSeq ??= seq
      inserted.push({ seq, event: e })
      for (let pos = 0; pos < e.parents.length; pos++) {
        const linked = this.#sql.run(SQL.linkParent, [seq, pos, idParam(e.parents[pos]!)])
        if (linked instanceof Promise) await linked
        if (this.#sqlite3.changes(this.#db) !== 1) throw new Error(`parent ${e.parents[pos]} of event ${e.id} is not stored`)
      }
    }
    if (firstSeq === undefined) return
    // Rowids only grow (events are never deleted), so this batch is every seq >= firstSeq.
    await this.#sql.run(SQL.dropParentHeadsSince, [firstSeq])
    const parentsInBatch = new Set(inserted.flatMap(({ event }) => event.parents))
    for (const { seq, event } of inserted) {
      if (parentsInBatch.has(event.id)) continue
      const added = this.#sql.run(SQL.addHead, [seq])
      if (added instanceof Promise) await added
    }
  }

  /** Writes each todo's row (inside the open transaction), awaiting only when the VFS has async work. */
  async #upsertTodos(todos: readonly TodoState[]): Promise<void> {
    for (const todo of todos) {
      const written = this.#sql.run(SQL.upsertTodo, todoParams(todo))
      if (written instanceof Promise) await written
    }
  }

  /**
   * Runs `fn` between this store's calls, none of them running meanwhile: for work on
   * another connection of the same wa-sqlite module (sqlite-warm-up.ts). wa-sqlite keeps
   * one list of pending VFS retry operations per module, and the call that finds it
   * non-empty waits for and clears it, so the async calls of two connections must not
   * interleave: one could take the other's retry and leave it failing with SQLITE_BUSY.
   */
  exclusive<T>(fn: () => MaybePromise<T>): Promise<T> {
    return this.#use(fn)
  }

  /** Queues `fn` behind every earlier call; rejects with StoreClosedError once closed. */
  #use<T>(fn: () => MaybePromise<T>): Promise<T> {
    return this.#enqueue(() => {
      if (this.#closed) throw new StoreClosedError()
      return fn()
    })
  }

  #enqueue<T>(fn: () => MaybePromise<T>): Promise<T> {
    const result = this.#tail.then(fn)
    // The next call waits for this one to settle either way; its outcome goes to our caller.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}
