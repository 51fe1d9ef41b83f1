/**
 * A capped mesh stays connected (client/net/link-policy.ts): four browsers with at most
 * two WebRTC links each (`?max-links=2`) link as the ring of their ids, a–b–c–d–a,
 * declining the diagonals, and an edit still reaches the browser two hops away.
 */
import { type Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { addTodo, titles, withParams } from './helpers.ts'

/** The peer ids a page lists as reached over WebRTC, sorted. */
async function webrtcPeers(page: Page): Promise<string[]> {
  const texts = await page.locator('[data-testid="peer"][data-via="webrtc"]').allTextContents()
  return texts.map((t) => /(aaaa|bbbb|cccc|dddd)/.exec(t)?.[1] ?? t).sort()
}

test('four browsers with at most two links each form a ring and still converge', async ({ browser }) => {
  test.setTimeout(120_000)
  const open = async () => (await browser.newContext()).newPage()
  const [a, b, c, d] = [await open(), await open(), await open(), await open()]
  await a.goto('/?peer=aaaa')
  await expect(a).toHaveURL(/\/r\//)
  const link = a.url()
  await a.goto(withParams(link, { peer: 'aaaa', 'max-links': '2' }))
  await b.goto(withParams(link, { peer: 'bbbb', 'max-links': '2' }))
  await c.goto(withParams(link, { peer: 'cccc', 'max-links': '2' }))
  await expect(c.getByTestId('peer-count')).toHaveText('2', { timeout: 30_000 }) // a, b and c: all linked
  await d.goto(withParams(link, { peer: 'dddd', 'max-links': '2' }))

  // d's arrival makes it the ring neighbour of a and c, who drop their a–c link for it.
  const ring: Array<[Page, string[]]> = [
    [a, ['bbbb', 'dddd']],
    [b, ['aaaa', 'cccc']],
    [c, ['bbbb', 'dddd']],
    [d, ['aaaa', 'cccc']],
  ]
  for (const [page, neighbours] of ring) {
    await expect.poll(() => webrtcPeers(page), { timeout: 45_000 }).toEqual(neighbours)
    await expect(page.getByTestId('peer-count')).toHaveText('2')
  }

  // An edit in a reaches c, which it has no link to, through b or d.
  await addTodo(a, 'around the ring')
  await expect(titles(c)).toHaveText(['around the ring'])
  await addTodo(c, 'and back')
  for (const page of [a, b, d]) await expect(titles(page)).toHaveText(['around the ring', 'and back'])
  // The diagonals stay unlinked: nobody went over the cap to get there.
  for (const [page] of ring) await expect(page.getByTestId('peer-count')).toHaveText('2')
})
