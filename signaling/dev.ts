/**
 * Entry point of `npm run dev`: Vite's dev server (hot reload) and signaling on one port.
 *
 *   http request                                   ──▶ vite.middlewares
 *   ws upgrade, protocol vite-hmr|vite-ping,
 *              path VITE_HMR_PATH                  ──▶ Vite's HMR (its own 'upgrade' listener)
 *   any other ws upgrade                           ──▶ signaling (server.ts)
 *
 * Both 'upgrade' listeners see every upgrade; each takes exactly the ones the other
 * leaves, using the same test Vite applies, so no socket is handled twice or left hanging.
 * PORT/HOST as in main.ts.
 */
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { createServer as createViteServer } from 'vite'
import { closeOnSignals, readListenConfig } from './main.ts'
import { startSignalingServer } from './server.ts'
import { readIceConfig } from './ice-config.ts'

/** Path of Vite's HMR WebSocket; everything else on the port is signaling's. */
export const VITE_HMR_PATH = '/__vite_hmr'

/** True for the upgrades Vite's HMR listener handles (its subprotocols, on its path). */
export function isViteHmrUpgrade(req: http.IncomingMessage): boolean {
  const protocol = req.headers['sec-websocket-protocol']
  if (protocol !== 'vite-hmr' && protocol !== 'vite-ping') return false
  return new URL(req.url ?? '/', 'http://localhost').pathname === VITE_HMR_PATH
}

async function main(): Promise<void> {
  const httpServer = http.createServer()
  const vite = await createViteServer({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    // `server.ws` is Vite 8's name for the deprecated `server.hmr.server/path`.
    server: { middlewareMode: true, ws: { server: httpServer, path: VITE_HMR_PATH } },
  })
  const server = await startSignalingServer({
    ...readListenConfig(process.env),
    iceServers: readIceConfig(process.env),
    httpServer,
    handler: (req, res) => vite.middlewares(req, res),
    ignoreUpgrade: isViteHmrUpgrade,
  }).catch(async (err: unknown) => {
    await vite.close()
    throw err
  })
  console.info(`peerlog dev: ${server.url} (hot reload; signaling at ${server.wsUrl})`)
  closeOnSignals('peerlog dev', async () => {
    await vite.close()
    await server.close()
  })
}

main().catch((err: unknown) => {
  console.error(`peerlog dev: ${(err as Error).message}`)
  process.exit(1)
})
