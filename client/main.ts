import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'todomvc-app-css/index.css'
import './app.css'
import App from './App.vue'
import { router } from './router.ts'
import { useRoomStore } from './stores/room.ts'
import { registerServiceWorker } from './pwa.ts'
import { warmNumberFormat } from './number-format.ts'

const pinia = createPinia()
const app = createApp(App).use(pinia).use(router)
// Mounted in a task of its own, not in the one that evaluates the code: on a busy 2-core
// machine the two made one task of 180-260 ms (`npm run bench -- ui`).
setTimeout(() => app.mount('#app'), 0)
// Before a catch-up can start: its progress label is the first count shown (number-format.ts).
// Safari has no requestIdleCallback.
if ('requestIdleCallback' in window) requestIdleCallback(warmNumberFormat, { timeout: 2000 })
else setTimeout(warmNumberFormat, 500)
registerServiceWorker(() => useRoomStore(pinia).catchingUp)

// Hooks for end-to-end tests and benchmarks (bulk history without typing it).
;(window as unknown as { peerlogDebug: object }).peerlogDebug = {
  generate: (count: number) => useRoomStore(pinia).generate(count),
  selfId: () => useRoomStore(pinia).debug.selfId(),
  dropLink: (peer: string) => useRoomStore(pinia).debug.dropLink(peer),
}
