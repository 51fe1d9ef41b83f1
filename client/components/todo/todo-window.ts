/**
 * Which todos a long list renders. A room caught up from a peer can hold tens of
 * thousands of todos, and rendering them all blocks the UI thread for seconds on every
 * change (`npm run bench -- ui`), so the list renders
 *
 *   the first `limit` todos (TODO_PAGE at first; "Show more" adds a page)
 *   a "Show more" row standing for the `hidden` ones
 *   the newest TODO_TAIL todos, so a todo just added shows at the bottom, where
 *   TodoMVC puts it. Not while a catch-up is under way: its todos arrive at the end of
 *   the list, and a tail that slides with every batch would re-render with every batch.
 *
 * While a catch-up is under way the first page is cut to TODO_CATCHUP_ROWS, about a
 * screenful, unless "Show more" is pressed: mounting the rest of the page competes with
 * the catch-up for the CPU, and below the fold it can wait until the catch-up is done.
 *
 * Counters (items left, Mark all, Clear completed) always count every todo.
 */

/** Todos rendered at first, and how many more each "Show more" adds. */
export const TODO_PAGE = 200
/** Newest todos rendered below the "Show more" row. */
export const TODO_TAIL = 20
/** The first page while a catch-up is under way (see above). */
export const TODO_CATCHUP_ROWS = 20
/**
 * Rows mounted per step: TodoList mounts a page a step (an animation frame) at a time,
 * not in one task. 3: the first todos of a catch-up arrive while the machine is busiest,
 * and 5 per frame still made 55-70 ms frames there. The tail appears whole when a
 * catch-up ends (its 20 rows at once were a 10 ms task).
 */
export const TODO_MOUNT_STEP = 3
/** During a catch-up a step waits for a snapshot, but no longer than this (TodoList). */
export const PACED_STEP_WAIT_MS = 1000

export interface TodoWindow {
  /** Render shown[0 .. head). */
  head: number
  /** Todos between head and tail, not rendered. */
  hidden: number
  /** Render the last `tail` todos. */
  tail: number
}

export function todoWindow(total: number, limit: number, withTail: boolean): TodoWindow {
  if (total <= limit) return { head: total, hidden: 0, tail: 0 }
  const tail = withTail ? Math.min(TODO_TAIL, total - limit) : 0
  return { head: limit, hidden: total - limit - tail, tail }
}
