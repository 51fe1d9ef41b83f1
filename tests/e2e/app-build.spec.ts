/**
 * What the build serves: the entry script opens with V8's explicit compile hint, so
 * Chromium compiles its functions while it loads rather than on the UI thread the first
 * time each runs (vite.config.ts, `compileEntryEagerly`). The hint counts only as the
 * file's first line, so a minifier or plugin that moved it would silently undo it.
 */
import { expect, test } from './fixtures.ts'

test('the entry script starts with the compile hint; lazy chunks do not', async ({ page }) => {
  await page.goto('/')
  const scripts = await page.evaluate(async () => {
    const entry = document.querySelector<HTMLScriptElement>('script[type="module"][src]')!.src
    const text = async (url: string) => (await fetch(url)).text()
    const code = await text(entry)
    // The playground is imported lazily by the entry: its chunk's name is in the entry's code.
    const lazy = /PlaygroundView-[\w-]+\.js/.exec(code)?.[0]
    return { entry: code.split('\n', 1)[0], lazy: lazy ? (await text(new URL(`/assets/${lazy}`, location.href).href)).split('\n', 1)[0] : null }
  })
  expect(scripts.entry).toBe('//# allFunctionsCalledOnLoad')
  expect(scripts.lazy).not.toBeNull()
  expect(scripts.lazy).not.toContain('allFunctionsCalledOnLoad')
})
