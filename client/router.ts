/**
 * Routes: `/` opens a fresh room; `/r/:room#secret` is a room link; `/playground` is
 * the seed's two interactive examples (no room, no network).
 */
import { createRouter, createWebHistory } from 'vue-router'
import { newRoomAddress, roomPath } from '../shared/room-link.ts'
import RoomView from './views/RoomView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => roomPath(newRoomAddress()) },
    { path: '/r/:room', component: RoomView },
    // Its own chunk: a room's first page load need not evaluate the playground's code.
    // The service worker precaches it with the rest, so it opens offline too.
    { path: '/playground', component: () => import('./views/PlaygroundView.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
