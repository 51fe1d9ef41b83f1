/**
 * Entry point of `npm start` / `npm run serve`: serves the built app from dist/ and relays
 * signaling on the same port.
 *
 *   PORT  port to listen on (default 8787; 0 picks a free one)
 *   HOST  interface to bind (default 127.0.0.1; 0.0.0.0 to reach it from other machines)
 *   ICE_SERVERS  STUN/TURN servers for the clients, as JSON (see ice-config.ts, README)
 *   ICE_CONFIG   or a file holding that JSON
 *
 * Exits with status 1 and a clear message when dist/ has not been built, the ICE
 * configuration is malformed or the port is taken; closes every connection on SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSignalingServer } from './server.ts'
import { describeIceServers, readIceConfig } from './ice-config.ts'

const repoRoot = fileURLToPath(new URL('..', import.meta.url))
const staticDir = path.join(repoRoot, 'dist')

/** Reads PORT/HOST from the environment, or explains what is wrong with them. */
export function readListenConfig(env: NodeJS.ProcessEnv): { port: number; host: string } {
  const rawPort = env['PORT'] ?? '8787'
  const port = Number(rawPort)
  if (!/^\d+$/.test(rawPort) || port > 65_535) throw new Error(`PORT must be an integer in 0..65535, got "${rawPort}"`)
  return { port, host: env['HOST'] ?? '127.0.0.1' }
}

/** Closes `close` on the first SIGINT/SIGTERM; a second signal, or a 5 s stall, forces the exit. */
export function closeOnSignals(name: string, close: () => Promise<void>): void {
  let closing = false
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) process.exit(1)
    closing = true
    console.info(`${name}: ${signal}, shutting down`)
    setTimeout(() => process.exit(1), 5_000).unref()
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`${name}: error while closing`, err)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

async function main(): Promise<void> {
  const iceServers = readIceConfig(process.env)
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new Error(`${path.join(staticDir, 'index.html')} is missing: run \`npm run build\` first (or use \`npm start\`, which builds)`)
  }
  const server = await startSignalingServer({ ...readListenConfig(process.env), staticDir, iceServers })
  console.info(`peerlog: serving ${staticDir} at ${server.url} (signaling at ${server.wsUrl}; ICE servers: ${describeIceServers(iceServers)})`)
  closeOnSignals('peerlog', () => server.close())
}

// Only when run as a script, so dev.ts can reuse the helpers above.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`peerlog: ${(err as Error).message}`)
    process.exit(1)
  })
}
