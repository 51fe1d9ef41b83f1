/**
 * Imported by the generated sw.js (vite.config.ts: workbox.importScripts).
 *
 * A waiting (new) service worker takes over when the page asking is the only window of
 * the app: client/pwa.ts asks at startup, when it finds that it was loaded by the old
 * version while the new one waits. Alone, that page is then reloaded once into the new
 * version; with other tabs open nothing happens, so none of them loses the old build's
 * files, and the browser switches once they are all closed.
 */
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'SKIP_WAITING_WHEN_ALONE') return
  const asker = event.source && 'id' in event.source ? event.source.id : null
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      if (asker !== null && windows.every((w) => w.id === asker)) return self.skipWaiting()
      return undefined
    }),
  )
})
