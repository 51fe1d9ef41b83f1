/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * Registers the service worker that caches the app shell (built by vite-plugin-pwa; its
 * configuration and update policy are in vite.config.ts).
 *
 * Only in a production build running in a browser: the dev server has no sw.js
 * (devOptions off), and Vitest/Node has no navigator.serviceWorker.
 *
 * Updates: a new version installs in the background and waits; an open tab keeps running
 * the version it loaded and is never reloaded for an update it found while open. Only a
 * page that *starts* under the old version while the new one is already waiting asks the
 * new one to take over — which it does only if this is the app's only window
 * (public/sw-update.js); vite-plugin-pwa then reloads this page once, into the new version.
 */
import { registerSW } from 'virtual:pwa-register'
import { whenQuiet } from './when-quiet.ts'

/**
 * How long no catch-up must have run before registering. The first install precaches the
 * app shell (~2.3 MB: fetches, Cache Storage writes, the service worker's own thread), and
 * in traces of the ui bench it ran in the second before a 100k-event catch-up began, when
 * the database opens and the UI draws the catch-up's first frames, which then waited for a
 * core (the tasks over 50 ms left, `npm run bench -- ui`). A link and its catch-up usually
 * start within 1-2 s of loading; a catch-up that starts later overlaps as before.
 */
const QUIET_BEFORE_REGISTERING_MS = 3000

/**
 * Starts service worker registration once no catch-up has run for a few seconds
 * (`catchingUp`, polled); never throws.
 */
export function registerServiceWorker(catchingUp: () => boolean): void {
  if (!import.meta.env.PROD || import.meta.env.MODE === 'test') return
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  void whenQuiet(catchingUp, QUIET_BEFORE_REGISTERING_MS).then(register)
}

function register(): void {
  registerSW({
    immediate: true, // the page has loaded: whenQuiet waited longer than that
    onOfflineReady: () => console.info('[pwa] app cached: it now opens without the server'),
    onNeedRefresh: () => console.info('[pwa] a new version is installed; it is used once this is the only tab of the app'),
    onRegisteredSW: (_url, registration) => {
      // Waiting already when this page registered: it was found on an earlier load.
      registration?.waiting?.postMessage({ type: 'SKIP_WAITING_WHEN_ALONE' })
    },
    onRegisterError: (err: unknown) => console.warn('[pwa] service worker registration failed', err),
  })
}
