/** pino logger with secrets redacted; one child per reconcile carries `role` and `reconcileId`. */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Paths pino censors wherever they appear in a log object (keys, headers, env of MCP entries). */
export const REDACT_PATHS = [
  'apiKey', 'api_key', 'secret', 'secrets', 'token', 'password', 'authorization',
  '*.apiKey', '*.api_key', '*.secret', '*.secrets', '*.token', '*.password', '*.authorization',
  'headers', '*.headers', 'env', '*.env', 'auth', '*.auth',
  '*.*.api_key', '*.*.headers', '*.*.env',
];

/** Create the process logger: JSON lines, synchronous so a crash loses nothing already logged. */
export function createLogger(level: string, dest?: DestinationStream): Logger {
  return pino(
    { level, base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } },
    dest ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that drops everything (tests and quiet CLI paths). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
