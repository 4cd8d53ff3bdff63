/** How hero_team runs a kimi: the program and its leading arguments, run to completion with its output kept. */
import { execFile } from 'node:child_process';

/** How to run kimi: the program and the arguments that come before kimi's own (a node and a script in tests). */
export interface KimiCommand {
  file: string;
  args: string[];
}

/** What a kimi run printed and how it ended. */
export interface KimiRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run kimi with `args` until it exits or `timeout` ms pass; an end with no exit code (not started, killed) is 1. */
export function runKimi(
  command: KimiCommand,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
): Promise<KimiRunResult> {
  return new Promise((resolve) => {
    execFile(command.file, [...command.args, ...args], { env, timeout, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
