/**
 * ParamWriter: binds TEXT and BLOB parameters by writing them straight into the wasm
 * module's memory, with no allocation per value.
 *
 * wa-sqlite's bind_text and bind_blob allocate on every call (a Uint8Array from
 * TextEncoder.encode, a malloc and a free), and our hex ids took a Uint8Array each on the
 * way. A 100k-event catch-up binds about 800k such values, each a short-lived
 * ArrayBuffer: in traces of the ui bench the renderer's GC threads spent ~0.45 s of CPU
 * per catch-up sweeping ArrayBuffers, beside the worker's own cost of making them, on a
 * machine whose UI thread waits for a core. Here each value is written into one scratch
 * region of wasm memory and bound SQLITE_TRANSIENT: SQLite copies it before the call
 * returns, so the region is reused by the next value at once.
 *
 * Text is bound with its byte length, so a string holding U+0000 binds whole (given -1,
 * SQLite would stop at the first NUL).
 */
import { SQLITE_OK } from '@journeyapps/wa-sqlite/src/sqlite-constants.js'
import { writeHex } from '../../shared/hex.ts'
import type { StepWasm } from './sync-step.ts'

/** The parts of wa-sqlite's Emscripten module the store uses: binding (here) and stepping (sync-step.ts). */
export interface SqliteWasm extends StepWasm {
  /** The module's memory (a new view after the memory grows). */
  readonly HEAPU8: Uint8Array
  _sqlite3_malloc(bytes: number): number
  _sqlite3_free(ptr: number): void
  _sqlite3_bind_text(stmt: number, i: number, ptr: number, bytes: number, destructor: number): number
  _sqlite3_bind_blob(stmt: number, i: number, ptr: number, bytes: number, destructor: number): number
}

/** "Copy the value now": SQLite's SQLITE_TRANSIENT destructor. */
const SQLITE_TRANSIENT = -1
/** The scratch region's first size: ids, lists and typical titles fit. */
const FIRST_CAPACITY = 1024
const encoder = new TextEncoder()
/**
 * Strings up to this long are tried as ASCII first, a byte per code unit in a plain loop.
 * Event types and most titles are short ASCII, and a call into TextEncoder.encodeInto
 * has a fixed cost: in a Chromium CPU profile of a 100k-event catch-up it came to ~0.4 s
 * of the log worker (~250k text parameters).
 */
const ASCII_LOOP_MAX = 256

/** Writes `text` into `out` a byte per code unit and returns its length; -1 if a unit is not ASCII. */
function writeAscii(text: string, out: Uint8Array): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c > 0x7f) return -1
    out[i] = c
  }
  return text.length
}

export class ParamWriter {
  readonly #wasm: SqliteWasm
  #ptr = 0
  #capacity = 0
  /** HEAPU8 over the scratch region; remade when the region moves or the memory grows. */
  #view: Uint8Array = new Uint8Array(0)

  constructor(wasm: SqliteWasm) {
    this.#wasm = wasm
  }

  /** Binds `text` as TEXT. */
  text(stmt: number, i: number, text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair, 2 units, takes 4).
    const view = this.#reserve(text.length * 3)
    let written = text.length <= ASCII_LOOP_MAX ? writeAscii(text, view) : -1
    if (written < 0) written = encoder.encodeInto(text, view).written
    this.#check('sqlite3_bind_text', this.#wasm._sqlite3_bind_text(stmt, i, this.#ptr, written, SQLITE_TRANSIENT))
  }

  /** Binds a hex string as a BLOB of its bytes; throws a RangeError on anything but hex. */
  hex(stmt: number, i: number, hex: string): void {
    if (!writeHex(hex, this.#reserve(hex.length >> 1), 0)) {
      throw new RangeError(`hex string expected, got ${JSON.stringify(hex.slice(0, 80))}`)
    }
    this.#check('sqlite3_bind_blob', this.#wasm._sqlite3_bind_blob(stmt, i, this.#ptr, hex.length >> 1, SQLITE_TRANSIENT))
  }

  /** Binds `bytes` as a BLOB. */
  bytes(stmt: number, i: number, bytes: Uint8Array): void {
    this.#reserve(bytes.byteLength).set(bytes)
    this.#check('sqlite3_bind_blob', this.#wasm._sqlite3_bind_blob(stmt, i, this.#ptr, bytes.byteLength, SQLITE_TRANSIENT))
  }

  /** Gives the scratch region back (the connection is closing). */
  release(): void {
    if (this.#ptr !== 0) this.#wasm._sqlite3_free(this.#ptr)
    this.#ptr = 0
    this.#capacity = 0
    this.#view = new Uint8Array(0)
  }

  /** The scratch region as a view of at least `bytes` bytes. */
  #reserve(bytes: number): Uint8Array {
    if (bytes > this.#capacity || this.#ptr === 0) {
      const capacity = Math.max(FIRST_CAPACITY, bytes * 2)
      const ptr = this.#wasm._sqlite3_malloc(capacity)
      if (ptr === 0) throw new Error(`out of memory binding a ${bytes}-byte parameter`)
      this.release()
      this.#ptr = ptr
      this.#capacity = capacity
    }
    // Growing wasm memory detaches the old buffer (and every view on it).
    const heap = this.#wasm.HEAPU8
    if (this.#view.buffer !== heap.buffer || this.#view.byteOffset !== this.#ptr) {
      this.#view = heap.subarray(this.#ptr, this.#ptr + this.#capacity)
    }
    return this.#view
  }

  #check(call: string, rc: number): void {
    if (rc !== SQLITE_OK) throw new Error(`${call} failed: SQLite result code ${rc}`)
  }
}
