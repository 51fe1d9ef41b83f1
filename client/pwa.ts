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

/** Starts service worker registration (after the page has loaded); never throws. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || import.meta.env.MODE === 'test') return
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return
  registerSW({
    onOfflineReady: () => console.info('[pwa] app cached: it now opens without the server'),
    onNeedRefresh: () => console.info('[pwa] a new version is installed; it is used once this is the only tab of the app'),
    onRegisteredSW: (_url, registration) => {
      // Waiting already when this page registered: it was found on an earlier load.
      registration?.waiting?.postMessage({ type: 'SKIP_WAITING_WHEN_ALONE' })
    },
    onRegisterError: (err: unknown) => console.warn('[pwa] service worker registration failed', err),
  })
}
