/**
 * whenQuiet: resolves once `busy()` has answered false for `quietMs` straight, checked
 * every `checkMs` from the call on (so it never resolves sooner than `quietMs`).
 *
 * Used to hold back work that competes for the machine with a catch-up (pwa.ts: the
 * service worker's first install), where "a catch-up may be about to start" cannot be
 * known, only "none has run for a while".
 */
export function whenQuiet(busy: () => boolean, quietMs: number, checkMs = 250): Promise<void> {
  return new Promise((resolve) => {
    let quietSince = Date.now()
    const timer = setInterval(() => {
      const now = Date.now()
      if (busy()) quietSince = now
      else if (now - quietSince >= quietMs) {
        clearInterval(timer)
        resolve()
      }
    }, checkMs)
  })
}
