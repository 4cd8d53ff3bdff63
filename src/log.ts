/** pino logger with secrets redacted; one child per reconcile carries `role` and `reconcileId`. */
import { type DestinationStream, type Logger, pino } from 'pino';
import prettyStream from 'pino-pretty';

export type { Logger } from 'pino';

/** Paths pino censors wherever they appear in a log object (keys, headers, env of MCP entries). */
export const REDACT_PATHS = [
  'apiKey',
  'api_key',
  'secret',
  'secrets',
  'token',
  'password',
  'authorization',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.secrets',
  '*.token',
  '*.password',
  '*.authorization',
  'headers',
  '*.headers',
  'env',
  '*.env',
  'auth',
  '*.auth',
  '*.*.api_key',
  '*.*.headers',
  '*.*.env',
];

const OPTIONS = { base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };

/**
 * Create the process logger: JSON lines (for supervisors and log collectors), synchronous so a crash loses nothing
 * already logged; `pretty`: one readable, coloured line per event instead (the daemon on a terminal).
 */
export function createLogger(level: string, dest?: DestinationStream, opts: { pretty?: boolean } = {}): Logger {
  if (opts.pretty) {
    const pretty = prettyStream({
      sync: true,
      destination: 2,
      colorize: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
    });
    return pino({ level, ...OPTIONS }, dest ?? pretty);
  }
  return pino({ level, ...OPTIONS }, dest ?? stderrDestination());
}

/** fd 2, synchronous; a reader that went away (EPIPE) costs the log lines, never the process. */
function stderrDestination(): DestinationStream {
  const dest = pino.destination({ dest: 2, sync: true });
  dest.on('error', () => {});
  return dest;
}

/** Whether fd 2 is a terminal (the daemon then logs readable lines). */
export function stderrIsTty(): boolean {
  return process.stderr.isTTY === true;
}

/** Level names as a person reads them in CLI output. */
const LEVEL_WORDS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};
/** Fields of a log record that are not worth a person's attention in CLI output. */
const PLUMBING = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reconcileId', 'phasesMs']);

/**
 * A logger for CLI commands: each record becomes one line `hero-team: warning: <message> (role backend, skill x)`
 * on `stream`, never a raw JSON line mixed into a command's output. Redaction applies as in the daemon.
 */
export function createCliLogger(level: string, stream: NodeJS.WritableStream): Logger {
  return pino({ level, ...OPTIONS }, { write: (line: string) => void stream.write(humanLine(line)) });
}

/** One JSON log line as a readable line. */
export function humanLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const fields = Object.entries(rec)
    .filter(([k]) => !PLUMBING.has(k))
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const word = LEVEL_WORDS[rec.level as number] ?? 'log';
  return `hero-team: ${word}: ${String(rec.msg ?? '')}${fields.length ? ` (${fields.join(', ')})` : ''}\n`;
}

/** A logger that drops everything (tests and quiet CLI paths). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
