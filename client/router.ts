/**
 * Routes: `/` opens a fresh room; `/r/:room#secret` is a room link.
 */
import { createRouter, createWebHistory } from 'vue-router'
import { newRoomAddress, roomPath } from '../shared/room-link.ts'
import RoomView from './views/RoomView.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', redirect: () => roomPath(newRoomAddress()) },
    { path: '/r/:room', component: RoomView },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})
