/**
 * The playground's event-log node: the seed's second interactive example, on the real
 * core. Each node is a TodoLog over a MemoryEventStore with its own replica id, so a
 * todo's every change is an immutable event and the todo list is one interpretation
 * (lww) of them.
 *
 *   node A ──pull(events after A's clock)──▶ ingest   "Sync nodes": every online node
 *   node B ◀──────────────────────────────── ...       pulls what it lacks from the others
 *
 * Invariants:
 *  1. Inputs to one node (its edits, its pulls) run one at a time, in call order: the
 *     log's author/ingest steps must not interleave.
 *  2. A pull asks for the events after the puller's version vector. An author's events
 *     have growing lamports and every stored event's ancestors are stored, so that is
 *     exactly what the puller lacks, in an order `ingest` accepts (parents first).
 *  3. After `syncLogNodes`, the nodes hold the same events and so show the same todos;
 *     nothing is ever dropped — an overwritten title stays in every node's table.
 */
import { type ReplicaId, type TodoId, newTodoId } from '../../shared/ids.ts'
import type { TodoEvent } from '../../shared/event.ts'
import { MemoryEventStore } from '../../shared/memory-event-store.ts'
import { TodoLog } from '../../shared/todo-log.ts'
import type { TodoState } from '../../shared/todo-fold.ts'

export class EventLogNode {
  /** Shown in the UI ("A"). */
  readonly name: string
  readonly replica: ReplicaId
  readonly log: TodoLog
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(name: string, replica: ReplicaId, log: TodoLog) {
    this.name = name
    this.replica = replica
    this.log = log
  }

  /** A node with an empty in-memory log. */
  static async open(name: string, replica: ReplicaId): Promise<EventLogNode> {
    return new EventLogNode(name, replica, await TodoLog.open(new MemoryEventStore()))
  }

  /** Adds a todo (a `create` and a `set_content` event); resolves to its id. */
  add(content: string, time: number): Promise<TodoId> {
    const todo = newTodoId()
    return this.#run(async () => {
      await this.log.authorMany(this.replica, [
        { todo, type: 'create', value: null, time },
        { todo, type: 'set_content', value: content, time },
      ])
      return todo
    })
  }

  /** Retitles a todo (a `set_content` event). */
  setContent(todo: TodoId, content: string, time: number): Promise<void> {
    return this.#run(async () => void (await this.log.author(this.replica, todo, 'set_content', content, time)))
  }

  /** Completes or un-completes a todo (a `complete` event). */
  setCompleted(todo: TodoId, completed: boolean, time: number): Promise<void> {
    return this.#run(async () => void (await this.log.author(this.replica, todo, 'complete', completed, time)))
  }

  /** The todos as the lww interpretation shows them, in creation order. */
  todos(): TodoState[] {
    return this.log.visible()
  }

  /** Every stored event, in (lamport, id) order. */
  events(): Promise<TodoEvent[]> {
    return this.#run(() => this.log.store.eventsAfter(new Map()))
  }

  /** Stores the events `other` has and this node lacks; resolves to how many were new. */
  pullFrom(other: EventLogNode): Promise<number> {
    return this.#run(async () => {
      const missing = await other.log.store.eventsAfter(await this.log.store.clock())
      return (await this.log.ingest(missing)).length
    })
  }

  #run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(step)
    this.#queue = next.catch(() => undefined)
    return next
  }
}

/**
 * "Sync nodes": each node pulls from every other, in turn. The first node has gathered
 * every event before any other starts pulling, so one pass leaves all of them equal.
 */
export async function syncLogNodes(nodes: readonly EventLogNode[]): Promise<void> {
  for (const node of nodes) {
    for (const other of nodes) if (other !== node) await node.pullFrom(other)
  }
}
