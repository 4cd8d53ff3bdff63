/** What a CLI command may touch: its environment and output streams (injected so tests run commands in-process). */
import type { Writable } from 'node:stream';
import { type Config, loadConfig } from '../config.ts';

/** Streams and environment of one CLI invocation. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
}

/** Exit codes: 0 ok, 1 not converged or failed, 2 bad input. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Print a line to stdout. */
export function out(io: CliIo, text = ''): void {
  io.stdout.write(text + '\n');
}

/** Resolve the configuration of this invocation. */
export function configFor(io: CliIo): Config {
  return loadConfig(io.env);
}
