/**
 * SnapshotPosts (client/worker/snapshot-posts.ts): the log worker's snapshots go out
 * coalesced and in order, and catch-up progress never overtakes the snapshot of the
 * events it counts: it rides in that snapshot's message when one is pending, so the
 * UI draws both in one frame.
 */
import { describe, expect, it } from 'vitest'
import { SnapshotPosts } from '../../client/worker/snapshot-posts.ts'
import type { SyncProgress } from '../../shared/sync/sync-engine.ts'

type Posted = ['snapshot', number, SyncProgress | undefined] | ['progress', SyncProgress] | ['warn', string]

/** A SnapshotPosts whose later tasks run when `step()` says, and whose snapshots can be held or failed. */
function harness() {
  const posted: Posted[] = []
  const later: Array<() => void> = []
  let made = 0
  /** The next snapshots wait for release() before posting. */
  let gate: Promise<void> | null = null
  let open: () => void = () => undefined
  let failNext = false
  let skipProgress = false
  const posts = new SnapshotPosts({
    later: (task) => later.push(task),
    warn: (message) => posted.push(['warn', message]),
    progress: (p) => posted.push(['progress', p]),
    snapshot: async (progress) => {
      const no = ++made
      if (gate) await gate
      if (failNext) {
        failNext = false
        throw new Error('disk gone')
      }
      posted.push(['snapshot', no, skipProgress ? undefined : progress()])
    },
  })
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve()
  }
  return {
    posts,
    posted,
    /** Runs the queued later tasks, then lets their promises settle. */
    async step() {
      for (const task of later.splice(0)) task()
      await settle()
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve))
    },
    async release() {
      gate = null
      open()
      await settle()
    },
    failNext: () => (failNext = true),
    skipProgress: () => (skipProgress = true),
    settle,
  }
}

const p = (received: number, expected: number): SyncProgress => ({ received, expected })

describe('SnapshotPosts', () => {
  it('makes one snapshot for any number of asks before it is taken, in a later task', async () => {
    const h = harness()
    h.posts.schedule()
    h.posts.schedule()
    h.posts.schedule()
    await h.settle()
    expect(h.posted).toEqual([]) // not in the task that asked
    await h.step()
    expect(h.posted).toEqual([['snapshot', 1, undefined]])
    h.posts.schedule()
    await h.step()
    expect(h.posted).toEqual([['snapshot', 1, undefined], ['snapshot', 2, undefined]])
  })

  it('posts progress at once when no snapshot is pending', async () => {
    const h = harness()
    h.posts.progress(p(10, 100))
    expect(h.posted).toEqual([['progress', p(10, 100)]])
  })

  it('puts progress reported while a snapshot is pending into that snapshot, and posts it nowhere else', async () => {
    const h = harness()
    h.posts.schedule()
    h.posts.progress(p(10, 100))
    h.posts.progress(p(20, 100)) // the latest wins
    await h.step()
    expect(h.posted).toEqual([['snapshot', 1, p(20, 100)]])
  })

  it('progress reported while the snapshot is being made rides on it (taken when it is posted)', async () => {
    const h = harness()
    h.hold()
    h.posts.schedule()
    await h.step() // snapshot 1 started, waiting
    h.posts.progress(p(30, 100))
    expect(h.posted).toEqual([])
    await h.release()
    expect(h.posted).toEqual([['snapshot', 1, p(30, 100)]])
  })

  it('progress waits for the snapshot scheduled last, not for one already under way', async () => {
    // Snapshot 1 may have read the log before the batch that progress counts was stored;
    // that batch scheduled snapshot 2, which the progress must not overtake.
    const h = harness()
    h.hold()
    h.posts.schedule()
    await h.step() // snapshot 1 under way
    h.posts.schedule() // a batch stored meanwhile
    h.posts.progress(p(40, 100))
    await h.release()
    expect(h.posted).toEqual([['snapshot', 1, undefined]])
    await h.step()
    expect(h.posted).toEqual([
      ['snapshot', 1, undefined],
      ['snapshot', 2, p(40, 100)],
    ])
  })

  it('a snapshot that fails is logged, and the progress it carried is posted right after', async () => {
    const h = harness()
    h.failNext()
    h.posts.schedule()
    h.posts.progress(p(100, 100))
    await h.step()
    expect(h.posted).toEqual([
      ['warn', 'snapshot failed'],
      ['progress', p(100, 100)],
    ])
    h.posts.schedule() // the next one is made as usual
    await h.step()
    expect(h.posted.at(-1)).toEqual(['snapshot', 2, undefined])
  })

  it('progress a snapshot did not take (it posted no state) goes right after it', async () => {
    const h = harness()
    h.skipProgress()
    h.posts.schedule()
    h.posts.progress(p(5, 50))
    await h.step()
    expect(h.posted).toEqual([
      ['snapshot', 1, undefined],
      ['progress', p(5, 50)],
    ])
  })

  it('posted() resolves once the snapshot scheduled last is out', async () => {
    const h = harness()
    h.posts.schedule()
    let out = false
    void h.posts.posted().then(() => (out = true))
    await h.settle()
    expect(out).toBe(false)
    await h.step()
    expect(out).toBe(true)
  })

  it('run() keeps other posts in order with snapshots, and a failed one does not stop the chain', async () => {
    const h = harness()
    const order: string[] = []
    const first = h.posts.run(async () => {
      await Promise.resolve()
      order.push('opened')
    })
    h.posts.schedule()
    const failing = h.posts.run(() => Promise.reject(new Error('no')))
    await h.step()
    await first
    await expect(failing).rejects.toThrow('no')
    expect(order).toEqual(['opened'])
    expect(h.posted).toEqual([['snapshot', 1, undefined]])
    h.posts.schedule()
    await h.step()
    expect(h.posted.at(-1)).toEqual(['snapshot', 2, undefined])
  })
})
