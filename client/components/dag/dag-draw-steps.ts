/**
 * Which nodes of a DAG window to draw, a step at a time.
 *
 * Mounting a whole new window of 200 SVG nodes (a group, a title, circles and a label
 * each) is one 15-20 ms task on the UI thread, and the window is all new at the end of a
 * catch-up, when the machine is still busy storing it: on a 2-core machine such a task
 * waits for a core often enough to block the UI thread for over 50 ms (Chrome traces of
 * `npm run bench -- ui`). So a window's new nodes are drawn `step` per animation frame,
 * newest first (the top of the drawing, what is seen first). Nodes already drawn stay
 * drawn, and a change of up to `step` new nodes (a live edit shifting the window by one)
 * is drawn at once.
 */

/**
 * New nodes drawn per frame. 50 nodes took 5-8 ms of UI-thread CPU, and at the end of a
 * catch-up that frame also mounts rows of the list: 20 keeps such a frame under 10 ms.
 */
export const DAG_DRAW_STEP = 20

export interface DrawStep {
  /** The ids to draw now: the drawn ones still in the window, plus up to `step` new. */
  drawn: Set<string>
  /** Every id of the window is drawn. */
  done: boolean
}

/** `ids`: the window's node ids, newest first. */
export function drawStep(drawn: ReadonlySet<string>, ids: readonly string[], step: number): DrawStep {
  const next = new Set<string>()
  let added = 0
  let done = true
  for (const id of ids) {
    if (drawn.has(id)) next.add(id)
    else if (added < step) {
      next.add(id)
      added++
    } else done = false
  }
  return { drawn: next, done }
}
