/**
 * afterNextFrame: runs `fn` in a task of its own once the next frame has been drawn (a
 * task queued from requestAnimationFrame runs after that frame's style, layout and
 * paint), so work done there is not drawn in the same frame as what came before it.
 *
 * A hidden tab draws no frames (requestAnimationFrame never fires there), so there `fn`
 * runs in the next task instead. Returns a function that cancels it.
 */
export function afterNextFrame(fn: () => void): () => void {
  let frame: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  if (document.visibilityState === 'hidden') timer = setTimeout(fn, 0)
  else frame = requestAnimationFrame(() => (timer = setTimeout(fn, 0)))
  return () => {
    if (frame !== undefined) cancelAnimationFrame(frame)
    clearTimeout(timer)
  }
}
