/**
 * How a peer is shown: its name, or a stand-in made from its replica id, and a colour
 * derived from its replica id alone — so every peer shows a given replica in the same
 * colour, before and after it names itself. Pure.
 */
import { shortId } from '../history/event-format.ts'

/** A stable colour for a replica: its first 16 bits pick a hue (saturation and lightness fixed). */
export function peerColour(replica: string): string {
  const bits = Number.parseInt(replica.slice(0, 4), 16)
  const hue = Number.isNaN(bits) ? 0 : Math.round((bits / 0x10000) * 360)
  return `hsl(${hue} 65% 42%)`
}

/** The name a replica gave itself, or "Peer <short id>" until it does. */
export function peerLabel(replica: string, names: Readonly<Record<string, string>>): string {
  const name = names[replica]
  return name ? name : `Peer ${shortId(replica, 4)}`
}
