import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'todomvc-app-css/index.css'
import './app.css'
import App from './App.vue'
import { router } from './router.ts'

createApp(App).use(createPinia()).use(router).mount('#app')
