/**
 * The TodoMVC filters (All / Active / Completed), carried in the route's query as
 * `?filter=active`, never in the fragment: the fragment holds the room secret.
 *
 * Invariants:
 *  1. A filter location keeps the current path, every other query parameter
 *     (`signaling=`, `forbid=`, …) and the fragment, so following a filter link never
 *     leaves the room and reloading after it lands in the same room.
 *  2. `all` is the absence of the parameter; an unknown value reads as `all`.
 */
import type { LocationQuery, RouteLocationNormalizedLoaded, RouteLocationRaw } from 'vue-router'
import type { TodoView } from '../../worker/protocol.ts'

export const TODO_FILTERS = ['all', 'active', 'completed'] as const
export type TodoFilter = (typeof TODO_FILTERS)[number]

export const FILTER_LABELS: Record<TodoFilter, string> = { all: 'All', active: 'Active', completed: 'Completed' }

const FILTER_PARAM = 'filter'

/** The filter a route's query asks for. */
export function parseTodoFilter(query: LocationQuery): TodoFilter {
  const value = query[FILTER_PARAM]
  return value === 'active' || value === 'completed' ? value : 'all'
}

/** The todos a filter shows, in the order given. */
export function filterTodos(todos: readonly TodoView[], filter: TodoFilter): readonly TodoView[] {
  switch (filter) {
    case 'all':
      return todos // not a copy: a 25k-todo room copies it on every change otherwise
    case 'active':
      return todos.filter((t) => !t.completed)
    case 'completed':
      return todos.filter((t) => t.completed)
  }
}

/** How many todos a filter shows, from the counts of every todo (room store `counts`). */
export function filteredCount(counts: { total: number; active: number }, filter: TodoFilter): number {
  switch (filter) {
    case 'all':
      return counts.total
    case 'active':
      return counts.active
    case 'completed':
      return counts.total - counts.active
  }
}

/** Where a filter link goes from `route`: same path, other params and fragment kept. */
export function filterLocation(route: RouteLocationNormalizedLoaded, filter: TodoFilter): RouteLocationRaw {
  const query: LocationQuery = { ...route.query }
  if (filter === 'all') delete query[FILTER_PARAM]
  else query[FILTER_PARAM] = filter
  return { path: route.path, query, hash: route.hash }
}
