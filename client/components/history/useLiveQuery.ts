/**
 * useLiveQuery: a worker query kept fresh for a view.
 *
 *   key   changes (another todo, another page) ─▶ run at once
 *   pulse changes (the log grew)               ─▶ run after `delayMs` of quiet (a burst of
 *                                                 10k synced events costs one query)
 *   paused (e.g. while catching up)            ─▶ pulses wait; one run when it ends, if
 *                                                 the pulse changed meanwhile
 *
 * Only the newest run's answer is kept: a slow answer to a superseded run never
 * overwrites a newer one. A failed run keeps the last data, sets `error` and logs.
 */
import { onScopeDispose, ref, shallowRef, watch } from 'vue'

export interface LiveQueryOptions<K, T> {
  /** What to ask for; a change reruns the query at once. */
  key: () => K
  /** When to ask again; a change reruns the query after `delayMs` without another change. */
  pulse: () => unknown
  run: (key: K) => Promise<T>
  initial: T
  delayMs?: number
  /** While true, pulses do not rerun the query; a pulse missed meanwhile reruns it once after. */
  paused?: () => boolean
}

export function useLiveQuery<K, T>(opts: LiveQueryOptions<K, T>) {
  const data = shallowRef<T>(opts.initial)
  const error = ref<string | null>(null)
  const loading = ref(false)
  let generation = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  function cancelTimer(): void {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  function refresh(): void {
    cancelTimer()
    const mine = ++generation
    loading.value = true
    opts.run(opts.key()).then(
      (answer) => {
        if (mine !== generation) return
        data.value = answer
        error.value = null
        loading.value = false
      },
      (err: unknown) => {
        if (mine !== generation) return
        console.warn('[live-query] query failed', err)
        error.value = (err as Error).message ?? String(err)
        loading.value = false
      },
    )
  }

  const paused = opts.paused ?? (() => false)
  let missed = false
  function pulsed(): void {
    cancelTimer()
    if (paused()) {
      missed = true
      return
    }
    timer = setTimeout(refresh, opts.delayMs ?? 150)
  }
  watch(opts.key, refresh)
  watch(opts.pulse, pulsed)
  watch(paused, (now) => {
    if (now || !missed) return
    missed = false
    pulsed()
  })
  onScopeDispose(() => {
    cancelTimer()
    generation++
  })
  refresh()
  return { data, error, loading, refresh }
}
