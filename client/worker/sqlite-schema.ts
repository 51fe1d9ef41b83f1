/**
 * The SQLite schema of a replica's database, and the `user_version` migrations that build it.
 *
 *   replica_clock  author ─┐                    todo_key  id ─┐
 *   (seq, lamport)         │ interned           (seq)         │ interned
 *                          ▼                                  ▼
 *   event (seq, id, lamport, author, todo, type, value, time) ◀── event_dag (event_seq, pos, parent_seq)
 *     ▲                                                      ◀── head (seq)
 *   todo (materialized TodoState per todo id)      meta (key, value)
 *
 * Compactness (bytes per event on disk is budgeted):
 *  - Content ids are stored once as 32-byte BLOBs; every reference between rows uses the
 *    integer `seq` rowid surrogate (local to this database, never sent anywhere).
 *  - Authors and todos are interned (16-byte ids stored once, 1–3 byte integers per event).
 *  - Events are found by id through an index on the id's first 8 bytes, not the whole id:
 *    a random-key index is ~70% full, so a full 32-byte key costs ~58 bytes per event and
 *    the prefix ~23. Lookups go through `eventIdIs`, which also compares the whole id, so a
 *    prefix collision (even a deliberately mined one) only costs an extra row read.
 *  - No index on (lamport, id): lists sort the few rows they return. Paging through the
 *    whole log uses an index on lamport alone (~10 bytes per event instead of ~50); the
 *    rows of one lamport are sorted by id per page.
 *
 * Invariants:
 *  0. `event.id` is unique. No UNIQUE constraint says so (it would need the full-id
 *     index); commit checks with `eventIdIs` before inserting.
 *  1. Tables are STRICT: a value of the wrong storage class is an error, not a conversion.
 *     In particular `event.value` (ANY) keeps its class: TEXT is a string, INTEGER 0/1 a
 *     boolean, NULL null — exact for every event type, known or not.
 *  2. Text columns are written from UTF-8 bytes with CAST(? AS TEXT) and read back as bytes,
 *     so strings containing U+0000 round-trip (wa-sqlite's text binding stops at NUL).
 *  3. `event_dag` keeps each event's parents in their original order (`pos`), and is
 *     indexed both ways: by event (its parents) and by parent_seq (its children).
 *  4. `head` holds exactly the events no stored event names as a parent; `replica_clock`
 *     the highest lamport per author. Both are maintained by commit, never recomputed.
 *  5. `PRAGMA user_version` = number of migrations applied. Migrations only append.
 *  6. `event.seq` runs 1..n without gaps: events are never deleted, SQLite gives a new
 *     row max(rowid) + 1, and a rolled-back insert frees its rowid. So max(seq) is the
 *     number of events (the store's count(), read without scanning).
 */

/** Version 0 → 1: the initial schema. */
const SCHEMA_V1 = `
CREATE TABLE replica_clock (
  seq INTEGER PRIMARY KEY,
  author BLOB NOT NULL UNIQUE,
  lamport INTEGER NOT NULL
) STRICT;

CREATE TABLE todo_key (
  seq INTEGER PRIMARY KEY,
  id BLOB NOT NULL UNIQUE
) STRICT;

CREATE TABLE event (
  seq INTEGER PRIMARY KEY,
  id BLOB NOT NULL,
  lamport INTEGER NOT NULL,
  author INTEGER NOT NULL,
  todo INTEGER NOT NULL,
  type TEXT NOT NULL,
  value ANY,
  time INTEGER NOT NULL
) STRICT;
CREATE INDEX event_id_prefix ON event (substr(id, 1, 8));
CREATE INDEX event_todo ON event (todo, lamport);
CREATE INDEX event_author ON event (author, lamport);

CREATE TABLE event_dag (
  event_seq INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  parent_seq INTEGER NOT NULL,
  PRIMARY KEY (event_seq, pos)
) STRICT, WITHOUT ROWID;

CREATE TABLE head (
  seq INTEGER PRIMARY KEY
) STRICT;

CREATE TABLE todo (
  id BLOB PRIMARY KEY,
  content TEXT NOT NULL,
  list TEXT,
  completed INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  created INTEGER NOT NULL,
  created_lamport INTEGER NOT NULL,
  created_id BLOB,
  last_lamport INTEGER NOT NULL,
  last_id BLOB,
  extra TEXT -- JSON of interpretation-specific fields (churn, clocks); NULL when empty
) STRICT, WITHOUT ROWID;

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`

/**
 * Version 1 → 2: what the DAG queries (shared/dag.ts) need. `event_dag_parent` finds an
 * event's children (descendant walks); `event_lamport` pages through the log in (lamport,
 * id) order without sorting all of it (ids within one lamport are few and sorted per page).
 * Together ~22 bytes per event with one parent.
 */
const SCHEMA_V2 = `
CREATE INDEX event_dag_parent ON event_dag (parent_seq);
CREATE INDEX event_lamport ON event (lamport);
`

/**
 * SQL condition "event `alias` has the id bound to `param`", written so that SQLite
 * answers it from the event_id_prefix index.
 */
export function eventIdIs(alias: string, param: string): string {
  return `substr(${alias}.id, 1, 8) = substr(${param}, 1, 8) AND ${alias}.id = ${param}`
}

/** MIGRATIONS[i] upgrades a database from user_version i to i + 1. */
export const MIGRATIONS: readonly string[] = [SCHEMA_V1, SCHEMA_V2]

/** The user_version of a fully migrated database. */
export const SCHEMA_VERSION = MIGRATIONS.length

/** Thrown when a database was written by a newer peerlog than this one. */
export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(`database schema version ${found} is newer than this app's (${SCHEMA_VERSION})`)
    this.name = 'SchemaTooNewError'
  }
}

/** Brings `db` up to SCHEMA_VERSION, one transaction per migration step. */
export async function migrate(sqlite3: SQLiteAPI, db: number): Promise<void> {
  const found = await userVersion(sqlite3, db)
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found)
  for (let version = found; version < SCHEMA_VERSION; version++) {
    await sqlite3.exec(db, 'BEGIN IMMEDIATE')
    try {
      await sqlite3.exec(db, MIGRATIONS[version]!)
      await sqlite3.exec(db, `PRAGMA user_version = ${version + 1}`)
      await sqlite3.exec(db, 'COMMIT')
    } catch (err) {
      if (!sqlite3.get_autocommit(db)) await sqlite3.exec(db, 'ROLLBACK')
      throw err
    }
  }
}

/** The database's `PRAGMA user_version`. */
export async function userVersion(sqlite3: SQLiteAPI, db: number): Promise<number> {
  let version = 0
  await sqlite3.exec(db, 'PRAGMA user_version', (row) => {
    version = Number(row[0])
  })
  return version
}
