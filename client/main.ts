import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'todomvc-app-css/index.css'
import './app.css'
import App from './App.vue'
import { router } from './router.ts'
import { useRoomStore } from './stores/room.ts'
import { registerServiceWorker } from './pwa.ts'

const pinia = createPinia()
createApp(App).use(pinia).use(router).mount('#app')
registerServiceWorker(() => useRoomStore(pinia).catchingUp)

// Hooks for end-to-end tests and benchmarks (bulk history without typing it).
;(window as unknown as { peerlogDebug: object }).peerlogDebug = {
  generate: (count: number) => useRoomStore(pinia).generate(count),
  selfId: () => useRoomStore(pinia).debug.selfId(),
  dropLink: (peer: string) => useRoomStore(pinia).debug.dropLink(peer),
}
