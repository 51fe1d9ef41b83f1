/**
 * The core bench page: starts the bench workers and exposes `window.runCoreBench` for
 * Playwright (tests/bench/core/chromium-core.ts). Progress goes to the console, which
 * the Node side prints.
 */
import type { CoreConfig } from '../core/config.ts'
import type { ChromiumCoreResult, ColdStart, CoreBenchWindow, FromBenchWorker, ToBenchWorker } from './core-bench-protocol.ts'

const DATABASE = 'bench-core-100k.db'

function startWorker(): Worker {
  return new Worker(new URL('./core-bench-worker.ts', import.meta.url), { type: 'module' })
}

/** Sends one request and resolves with its result, logging progress on the way. */
function ask<T>(worker: Worker, message: ToBenchWorker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (event: MessageEvent<FromBenchWorker>) => {
      const reply = event.data
      if (reply.type === 'progress') {
        console.info(`[chromium] ${reply.text}`)
        return
      }
      worker.removeEventListener('message', onMessage)
      if (reply.type === 'done') resolve(reply.result as T)
      else reject(new Error(reply.message))
    }
    worker.addEventListener('message', onMessage)
    worker.addEventListener('error', (event) => reject(new Error(`worker error: ${event.message}`)), { once: true })
    worker.postMessage(message)
  })
}

async function runCoreBench(config: CoreConfig): Promise<ChromiumCoreResult> {
  const main = startWorker()
  try {
    const result = await ask<ChromiumCoreResult>(main, { type: 'run', config, file: DATABASE })
    console.info('[chromium] cold starts in fresh workers')
    for (let i = 0; i < config.coldStartReps; i++) {
      const fresh = startWorker()
      try {
        result.freshWorkerColdStarts.push(await ask<ColdStart>(fresh, { type: 'cold-start', file: DATABASE }))
      } finally {
        fresh.terminate()
      }
    }
    return result
  } finally {
    await ask(main, { type: 'cleanup', file: DATABASE }).catch((err: unknown) => console.warn('cleanup failed', err))
    main.terminate()
  }
}

;(window as unknown as CoreBenchWindow).runCoreBench = runCoreBench
document.body.dataset.ready = 'true'
