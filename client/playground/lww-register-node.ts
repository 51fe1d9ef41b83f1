/**
 * The playground's LWW-register node: the seed's first interactive example. A node
 * keeps only the current state of each todo, and every column is a last-writer-wins
 * register with its own Lamport clock:
 *
 *   id | content            | completed
 *   A1 | "cook"   (clock 2) | false (clock 2)     ← "make pasta" and `true` are gone
 *
 * The seed's rules, which this module keeps:
 *  1. Every column has a clock; a local write sets the value and moves that column's
 *     clock forward by one (`addTodo` writes content at clock 1, completed stays at 0).
 *  2. Merge compares column by column: the higher clock wins; on a tie the bigger
 *     value wins (strings by code unit, `true` over `false`).
 *  3. So merge is commutative, associative and idempotent: online nodes that sync end
 *     with equal tables, whatever the order.
 * The loser of a merge is dropped: no node keeps it. That is what the demo shows.
 *
 * Pure: every function returns a new node and leaves its arguments untouched.
 */

export type RegisterValue = string | boolean

/** One column of one todo: its value and that column's own Lamport clock. */
export interface Register<T extends RegisterValue> {
  value: T
  clock: number
}

/** One row of a node's table. `id` is the creating node's name and a counter ("A1"). */
export interface LwwTodo {
  id: string
  content: Register<string>
  completed: Register<boolean>
}

/** A node: its name, its table (sorted by id) and the counter for its next todo id. */
export interface LwwNode {
  name: string
  todos: LwwTodo[]
  nextId: number
}

export function newLwwNode(name: string): LwwNode {
  return { name, todos: [], nextId: 1 }
}

const byId = (a: LwwTodo, b: LwwTodo) => a.id.localeCompare(b.id, 'en', { numeric: true })

/** Adds a todo: content written once (clock 1), completed at its initial value (clock 0). */
export function addTodo(node: LwwNode, content: string): LwwNode {
  const todo: LwwTodo = {
    id: `${node.name}${node.nextId}`,
    content: { value: content, clock: 1 },
    completed: { value: false, clock: 0 },
  }
  return { ...node, todos: [...node.todos, todo].sort(byId), nextId: node.nextId + 1 }
}

/** Rewrites a todo's content; its clock moves forward by one. Unknown ids change nothing. */
export function setContent(node: LwwNode, id: string, content: string): LwwNode {
  return write(node, id, (t) => ({ ...t, content: { value: content, clock: t.content.clock + 1 } }))
}

/** Sets whether a todo is completed; its clock moves forward by one. */
export function setCompleted(node: LwwNode, id: string, completed: boolean): LwwNode {
  return write(node, id, (t) => ({ ...t, completed: { value: completed, clock: t.completed.clock + 1 } }))
}

function write(node: LwwNode, id: string, change: (t: LwwTodo) => LwwTodo): LwwNode {
  return { ...node, todos: node.todos.map((t) => (t.id === id ? change(t) : t)) }
}

/** The winning register of two (rule 2). */
export function mergeRegister<T extends RegisterValue>(a: Register<T>, b: Register<T>): Register<T> {
  if (a.clock !== b.clock) return a.clock > b.clock ? a : b
  return a.value >= b.value ? a : b
}

/** Column by column merge of two versions of one todo. */
export function mergeTodo(a: LwwTodo, b: LwwTodo): LwwTodo {
  return { id: a.id, content: mergeRegister(a.content, b.content), completed: mergeRegister(a.completed, b.completed) }
}

/** `into` after merging `from`'s table into it (name and id counter stay `into`'s). */
export function mergeNodes(into: LwwNode, from: LwwNode): LwwNode {
  const rows = new Map(into.todos.map((t) => [t.id, t]))
  for (const t of from.todos) {
    const mine = rows.get(t.id)
    rows.set(t.id, mine ? mergeTodo(mine, t) : t)
  }
  return { ...into, todos: [...rows.values()].sort(byId) }
}

/** "Sync nodes": every node merges every other's table, so all end equal. */
export function syncNodes(nodes: readonly LwwNode[]): LwwNode[] {
  if (nodes.length === 0) return []
  const merged = nodes.reduce((acc, n) => mergeNodes(acc, n))
  return nodes.map((n) => ({ ...n, todos: merged.todos }))
}
