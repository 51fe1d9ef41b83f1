/** A todo as a playground node's list shows it, whichever kind of node holds it. */
export interface PlaygroundTodo {
  id: string
  content: string
  completed: boolean
}

/** The three nodes of each playground row. */
export const NODE_NAMES = ['A', 'B', 'C'] as const

/** "Synced A and C (B is offline)." — what the row says after `Sync nodes`. */
export function syncReport(names: readonly string[], offline: readonly boolean[]): string {
  const online = names.filter((_, i) => !offline[i])
  const away = names.filter((_, i) => offline[i])
  const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`)
  if (online.length === 0) return 'Nothing to sync: every node is offline.'
  if (online.length === 1) return `Nothing to sync: only ${online[0]} is online.`
  const synced = `Synced ${list(online)}.`
  return away.length === 0 ? synced : `${synced} (${list(away)} ${away.length === 1 ? 'is' : 'are'} offline.)`
}
