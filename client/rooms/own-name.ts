/**
 * The name this browser's user goes by, in every room. Kept in localStorage; each
 * replica writes it into its room's log as a `set_peer_name` event (shared/room-meta.ts),
 * so peers see it, it syncs like anything else, and it outlives the link.
 */
import { MAX_NAME_LENGTH } from '../../shared/event.ts'
import type { KeyValueStorage } from './room-registry.ts'

export const OWN_NAME_KEY = 'peerlog:name'

/** The saved name, trimmed and bounded ('' when none). */
export function loadOwnName(storage: Pick<KeyValueStorage, 'getItem'>): string {
  try {
    return normalizeName(storage.getItem(OWN_NAME_KEY) ?? '')
  } catch (err) {
    console.warn('[own-name] could not read the saved name', err)
    return ''
  }
}

export function saveOwnName(storage: KeyValueStorage, name: string): void {
  try {
    storage.setItem(OWN_NAME_KEY, normalizeName(name))
  } catch (err) {
    console.warn('[own-name] could not save the name', err) // it still goes into the log
  }
}

/** How a typed name is kept: trimmed, inner runs of white space as one space, bounded. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').slice(0, MAX_NAME_LENGTH)
}
