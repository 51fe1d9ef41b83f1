/**
 * Resolves on a later macrotask, after the worker's pending message events have been
 * dispatched: ReplicaNode's `gatherFrames` (shared/sync/replica-node.ts, "Batching").
 * A MessageChannel round trip, not setTimeout(0), which browsers clamp to 4 ms once
 * nested.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel()
    port1.onmessage = () => {
      port1.close()
      resolve()
    }
    port2.postMessage(null)
  })
}
