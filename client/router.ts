/**
 * Routes: `/` opens a fresh room; `/r/:room#secret` is a room link; `/playground` is
 * the seed's two interactive examples (no room, no network).
 */
import { createRouter, createWebHistory } from 'vue-router'
import { newRoomAddress, roomPath } from '../shared/room-link.ts'
import RoomView from './views/RoomView.vue'
import PlaygroundView from './views/PlaygroundView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => roomPath(newRoomAddress()) },
    { path: '/r/:room', component: RoomView },
    { path: '/playground', component: PlaygroundView },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
