/**
 * One config for the app build (client/ → dist/) and for Vitest (tests/ in Node).
 *
 * simple-peer is aliased to its prebuilt browser bundle: its CommonJS source needs
 * Node's `global`, `events` and `process`, which Vite does not polyfill.
 * wa-sqlite is excluded from dependency pre-bundling so its .wasm files resolve next
 * to their loaders. The entry chunk is compiled as it loads (`compileEntryEagerly`).
 *
 * The app shell is cached by a Workbox service worker (vite-plugin-pwa, see `pwa` below)
 * so a tab reloads, and a room link opens, while the server that served them is down.
 */
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'
import type { Plugin } from 'vite'

const projectRoot = fileURLToPath(new URL('.', import.meta.url))

/**
 * Service worker + web app manifest. Registered from client/pwa.ts (injectRegister: false).
 *
 * Update policy — registerType 'prompt' (no skipWaiting), and the app never prompts:
 *  - a new sw.js installs next to the running one (precaching the new build) and waits,
 *    so an open tab keeps running, and loading files of, the version it started with;
 *  - the browser activates it once no tab runs the old version any more;
 *  - a reload of the only tab would not (the old page is still alive when the navigation
 *    is answered), so a page that starts under the old version while a new one waits asks
 *    it to take over if that page is the app's only window (client/pwa.ts →
 *    public/sw-update.js); it does, and vite-plugin-pwa reloads that page once. After that
 *    nothing waits any more, so there is no reload loop.
 * Why not 'autoUpdate': it calls skipWaiting, and the new worker's activation deletes the
 * old build's precache entries while old tabs still need them (every room join starts a
 * log worker from its hashed chunk, which loads the .wasm); the server has only the new
 * build, and may be down, so those tabs would be stranded — unless reloaded by force,
 * which 'autoUpdate' does to every open tab, mid-edit.
 * clientsClaim only matters on the first install (no tab runs an older worker then): the
 * first visit is controlled at once, without waiting for a second navigation.
 */
const pwa = VitePWA({
  registerType: 'prompt',
  injectRegister: false,
  strategies: 'generateSW',
  manifest: {
    name: 'peerlog',
    short_name: 'peerlog',
    description: 'Local-first, peer-to-peer todo list',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: '#f5f5f5',
    theme_color: '#b83f45',
    icons: [
      { src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' },
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    // The whole build: index.html, the entry and log-worker chunks, css, the wa-sqlite .wasm
    // (the manifest and its icons are added by the plugin; sw.js and workbox-*.js never are).
    globPatterns: ['**/*.{html,js,css,wasm}'],
    globIgnores: ['**/node_modules/**/*', 'sw.js', 'sw-update.js', 'workbox-*.js'],
    importScripts: ['sw-update.js'],
    // wa-sqlite's .wasm is ~1.1 MB; Workbox silently skips files over its 2 MiB default.
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    // The room secret is in the fragment, which never reaches the network: any `/r/<room>`
    // (and `/`) navigation is answered with the cached index.html. Like the server's SPA
    // fallback, paths whose last segment has an extension are left to the network.
    navigateFallback: 'index.html',
    navigateFallbackDenylist: [/^[^?]*\/[^/?]*\.[^/?]*(\?.*)?$/],
    clientsClaim: true,
    skipWaiting: false,
    cleanupOutdatedCaches: true,
    runtimeCaching: [
      {
        // ICE servers (signaling/ice-config.ts): fresh when the server answers, else the last copy.
        urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname === '/config.json',
        handler: 'NetworkFirst',
        options: {
          cacheName: 'peerlog-config',
          networkTimeoutSeconds: 3,
          cacheableResponse: { statuses: [200] },
        },
      },
    ],
  },
  devOptions: { enabled: false },
})

/**
 * Dev only: `/sw.js` is a worker that removes itself. `npm start` and `npm run dev` share
 * an origin (port 8787 by default); without this, a service worker installed by the
 * built app would keep answering the dev server's pages from its precache. The stale
 * page asks for /sw.js, gets this, which activates at once, unregisters and reloads the
 * tabs it controlled, now from the dev server.
 */
const unregisterServiceWorkerInDev: Plugin = {
  name: 'peerlog:unregister-sw-in-dev',
  apply: 'serve',
  configureServer(server) {
    server.middlewares.use('/sw.js', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' })
      res.end(`self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(
  self.registration.unregister()
    .then(() => self.clients.matchAll({ type: 'window' }))
    .then((windows) => Promise.all(windows.map((w) => w.navigate(w.url)))),
))
`)
    })
  },
}

/**
 * The entry chunk starts with V8's explicit compile hint (`//# allFunctionsCalledOnLoad`,
 * Chrome 136+; other engines read a comment): every function in it is compiled while the
 * script loads, on a background thread, instead of on the UI thread the first time it
 * runs. Without it, the first todos a joining tab receives ran ~20 functions for the
 * first time (Vue's mounting paths, TodoItem) and compiling them took 2-4 ms of the
 * 7-10 ms task that shows them, in the busiest second of a catch-up (V8 compile events
 * in Chrome traces, `npm run bench -- ui`; issue 4). With it: 5-7 ms, and page load's
 * longest task was not longer. Cost: ~0.4 MB more JS heap once loaded (3.6 MB vs 3.2).
 * Lazy chunks (the playground) are left lazy.
 */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad'
const compileEntryEagerly: Plugin = {
  name: 'peerlog:compile-entry-eagerly',
  apply: 'build',
  generateBundle(_options, bundle) {
    // The hint counts only as the file's first line.
    for (const chunk of Object.values(bundle))
      if (chunk.type === 'chunk' && chunk.isEntry) chunk.code = `${COMPILE_HINT}\n${chunk.code}`
  },
}

export default defineConfig({
  root: 'client',
  publicDir: 'public', // client/public: icons for the manifest
  plugins: [vue(), pwa, unregisterServiceWorkerInDev, compileEntryEagerly],
  resolve: {
    alias: { 'simple-peer': 'simple-peer/simplepeer.min.js' },
  },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['@journeyapps/wa-sqlite'] },
  test: {
    root: projectRoot,
    include: ['tests/{unit,component,contract,sim,integration}/**/*.test.ts'],
    // Browser-mode tests (real OPFS in Chromium) run under vitest.browser.config.ts.
    exclude: ['tests/**/*.browser.test.ts', 'node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
  },
})
