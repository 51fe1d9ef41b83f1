import { describe, expect, it } from 'vitest'
import { compareEvents } from '../../shared/order.ts'
import type { EventId } from '../../shared/ids.ts'

describe('compareEvents', () => {
  it('orders by lamport first, then id', () => {
    const a = { lamport: 1, id: 'ff' as EventId }
    const b = { lamport: 2, id: '00' as EventId }
    expect(compareEvents(a, b)).toBeLessThan(0)
    expect(compareEvents({ lamport: 2, id: '01' as EventId }, b)).toBeGreaterThan(0)
  })
})
