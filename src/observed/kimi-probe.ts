/** Which `kimi` is installed: found on PATH, its real path and version, the client (target) it is. */
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { KimiTargetId } from '../desired/schema.ts';
import { type KimiCommand, runKimi } from './kimi-command.ts';

/** What was found on PATH. */
export interface KimiInstall {
  command: KimiCommand;
  /** The real path of the program (symlinks resolved). */
  path: string;
  version?: string;
  /** The client it is: Kimi Code 2.x or the Python kimi-cli (0.x and 1.x). */
  target?: KimiTargetId;
}

const VERSION_TIMEOUT_MS = 15_000;

/** The first executable `kimi` on the PATH of `env`, or undefined. */
export function findKimiOnPath(env: NodeJS.ProcessEnv, name = 'kimi'): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Probe an installed kimi: its real path tells Kimi Code's npm package apart, else `kimi --version` does. */
export async function probeKimi(command: KimiCommand, env: NodeJS.ProcessEnv): Promise<KimiInstall> {
  const script = command.args[0] ?? command.file;
  let path = script;
  try {
    path = realpathSync(script);
  } catch {
    // keep the given path
  }
  const version = await kimiVersion(command, env);
  return { command, path, version, target: targetOf(path, version) };
}

/** Kimi Code is the npm package `@moonshot-ai/kimi-code` (versions 2.x); kimi-cli is a Python program (0.x, 1.x). */
function targetOf(path: string, version: string | undefined): KimiTargetId | undefined {
  if (path.includes('@moonshot-ai/kimi-code')) return 'kimi-code';
  if (version) return Number(version.split('.')[0]) >= 2 ? 'kimi-code' : 'kimi-cli';
  try {
    if (/python/.test(readFileSync(path, 'utf8').slice(0, 200).split('\n')[0]!)) return 'kimi-cli';
  } catch {
    // unreadable: unknown
  }
  return undefined;
}

/** The `x.y.z` that `kimi --version` prints ("2.1.0", "kimi, version 1.49.0"), or undefined when it fails. */
async function kimiVersion(command: KimiCommand, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const result = await runKimi(command, ['--version'], env, VERSION_TIMEOUT_MS);
  return /(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

/** The target `hero-team init` picks: the installed kimi's, else kimi-code (also when no kimi is installed). */
export async function detectKimiTarget(
  env: NodeJS.ProcessEnv,
): Promise<{ target: KimiTargetId; install?: KimiInstall }> {
  const found = findKimiOnPath(env);
  if (!found) return { target: 'kimi-code' };
  const install = await probeKimi({ file: found, args: [] }, env);
  return { target: install.target ?? 'kimi-code', install };
}
