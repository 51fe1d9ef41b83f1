/**
 * A minimal logger port, so pure code can report dropped input without a console
 * dependency and tests can assert on what was logged.
 */
export interface Logger {
  /** Something unexpected from outside (a peer, a client): dropped, execution continues. */
  warn(message: string, context?: Record<string, unknown>): void
  /** Progress worth seeing while debugging. */
  debug(message: string, context?: Record<string, unknown>): void
}

export const consoleLogger = (scope: string): Logger => ({
  warn: (message, context) => console.warn(`[${scope}] ${message}`, context ?? ''),
  debug: () => {},
})

/** A logger that keeps what it is told, for tests. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return { warnings, warn: (m) => warnings.push(m), debug: () => {} }
}
