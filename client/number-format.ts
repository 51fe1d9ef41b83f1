/**
 * Counts as people read them ("12,345"), from one Intl.NumberFormat made and first used
 * while the page is idle (warmNumberFormat, called from main.ts).
 *
 * Why not `n.toLocaleString('en-US')` where a count is shown: the first number a page
 * formats sets up ICU's number formatting, 3-12 ms of UI-thread CPU (Chrome CPU profiles,
 * `npm run bench -- ui`). The first count a joining tab shows is the catch-up's progress
 * label, so that cost fell in the very task that starts a catch-up, when the machine is
 * at its busiest; the ui bench found that task (a message from the log worker, as the
 * Long Animation Frames API names it) among the few over 50 ms.
 */
let numberFormat: Intl.NumberFormat | null = null

export function formatCount(n: number): string {
  numberFormat ??= new Intl.NumberFormat('en-US')
  return numberFormat.format(n)
}

/** Pays the set-up cost now (call when idle), not at the first count shown. */
export function warmNumberFormat(): void {
  formatCount(0)
}
