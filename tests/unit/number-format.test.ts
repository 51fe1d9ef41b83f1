/**
 * Counts are shown the way people read them, whatever the browser's own locale, and the
 * formatter can be set up ahead of the first count (client/number-format.ts).
 */
import { describe, expect, it } from 'vitest'
import { formatCount, warmNumberFormat } from '../../client/number-format.ts'

describe('formatCount', () => {
  it('groups thousands with commas', () => {
    expect(formatCount(0)).toBe('0')
    expect(formatCount(999)).toBe('999')
    expect(formatCount(12_345)).toBe('12,345')
    expect(formatCount(100_000)).toBe('100,000')
  })

  it('formats the same after the warm-up', () => {
    warmNumberFormat()
    expect(formatCount(1_234_567)).toBe('1,234,567')
  })
})
