/**
 * Which `kimi` is installed, whether it matches the target, and Kimi Code's own verdict on a role's config
 * (`kimi doctor config`). Used by `hero-team target detect`, `init` and `doctor`.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import PQueue from 'p-queue';
import type { KimiTargetId } from '../desired/schema.ts';

/** How to run kimi: the program and the arguments that come before kimi's own (a node and a script in tests). */
export interface KimiCommand {
  file: string;
  args: string[];
}

/** What was found on PATH. */
export interface KimiInstall {
  command: KimiCommand;
  /** The real path of the program (symlinks resolved). */
  path: string;
  version?: string;
  /** The client it is: Kimi Code 2.x or the Python kimi-cli (0.x and 1.x). */
  target?: KimiTargetId;
}

/** Result of a check, with the fix to show when it fails. */
export interface KimiCheck {
  ok: boolean;
  message: string;
  fix?: string;
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
  const result = await run(command, ['--version'], env, VERSION_TIMEOUT_MS);
  return /(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1];
}

/** The target `hero-team init` picks: the installed kimi's, else kimi-code (also when no kimi is installed). */
export async function detectKimiTarget(env: NodeJS.ProcessEnv): Promise<{ target: KimiTargetId; install?: KimiInstall }> {
  const found = findKimiOnPath(env);
  if (!found) return { target: 'kimi-code' };
  const install = await probeKimi({ file: found, args: [] }, env);
  return { target: install.target ?? 'kimi-code', install };
}

/** Doctor check: the installed kimi is the client the files are rendered for. */
export function checkKimiMatchesTarget(target: KimiTargetId, install: KimiInstall | undefined): KimiCheck {
  const other = target === 'kimi-code' ? 'kimi-cli' : 'kimi-code';
  const setOther = `or render for it: hero-team target set ${other}`;
  const installIt = target === 'kimi-code' ? 'npm i -g @moonshot-ai/kimi-code (Node >= 22.19)' : 'install the Python kimi-cli';
  if (!install) return { ok: false, message: `no kimi on PATH (target ${target})`, fix: installIt };
  const what = `${install.path}${install.version ? ` (${install.version})` : ''}`;
  // A wrapper script or a stand-in: nothing to hold against it.
  if (!install.target) return { ok: true, message: `kimi at ${what}: which client it is cannot be told (no version printed)` };
  if (install.target !== target) return { ok: false, message: `kimi at ${what} is ${install.target}, but roles are rendered for ${target}`, fix: `${installIt}, ${setOther}` };
  return { ok: true, message: `kimi at ${what} matches the target ${target}` };
}

/** Kimi Code's verdict on one config.toml: errors (exit 1) and warnings (unknown keys and the like). */
export interface DoctorConfigResult {
  ok: boolean;
  errors: string[];
  warnings: string[];
  output: string;
}

/** Run `kimi doctor config <roleDir>/config.toml` with the role directory as its home. */
export async function kimiDoctorConfig(command: KimiCommand, roleDir: string, env: NodeJS.ProcessEnv): Promise<DoctorConfigResult> {
  const r = await run(command, ['doctor', 'config', join(roleDir, 'config.toml')], { ...env, KIMI_CODE_HOME: roleDir, KIMI_CODE_NO_AUTO_UPDATE: '1' }, 60_000);
  const output = `${r.stdout}${r.stderr}`;
  // Detail lines are indented under their file's "OK"/"ERROR" line.
  const details = output.split('\n').filter((line) => /^\s+\S/.test(line)).map((line) => line.trim());
  const failed = r.code !== 0;
  return { ok: !failed && details.length === 0, errors: failed ? (details.length ? details : [output.trim() || `exit ${r.code}`]) : [], warnings: failed ? [] : details, output };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: KimiCommand, args: string[], env: NodeJS.ProcessEnv, timeout: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command.file, [...command.args, ...args], { env, timeout, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** One line of `hero-team doctor`'s Kimi section. */
export interface KimiDoctorCheck extends KimiCheck {
  name: string;
  /** How bad a failed check is: Kimi Code's errors (it drops the setting) or only its warnings (ignored keys). */
  severity?: 'error' | 'warning';
  /** The role directory a `kimi doctor config` line is about. */
  roleDir?: string;
}

/** Inputs of kimiDoctorChecks: the target in force, the environment (PATH) and the role directories to check. */
export interface KimiDoctorInput {
  target: KimiTargetId;
  env: NodeJS.ProcessEnv;
  roleDirs: readonly string[];
  /** The kimi to run (tests: a node and a script); default: the first `kimi` on PATH. */
  command?: KimiCommand;
}

/** `kimi doctor config` runs at once at most (each is a Node process loading Kimi Code's bundle). */
const DOCTOR_CONCURRENCY = 4;

/**
 * The Kimi part of `hero-team doctor`: the installed kimi matches the target, and with Kimi Code installed
 * and targeted, `kimi doctor config` passes on each role's config.toml with no error and no warning.
 */
export async function kimiDoctorChecks(input: KimiDoctorInput): Promise<KimiDoctorCheck[]> {
  const found = input.command ? undefined : findKimiOnPath(input.env);
  const command = input.command ?? (found ? { file: found, args: [] } : undefined);
  const install = command ? await probeKimi(command, input.env) : undefined;
  // Another client's kimi cannot use the roles' files (error); an unrecognised one may still be the right one.
  const severity = install?.target && install.target !== input.target ? 'error' : 'warning';
  const checks: KimiDoctorCheck[] = [{ name: 'kimi', severity, ...checkKimiMatchesTarget(input.target, install) }];
  if (!command || input.target !== 'kimi-code' || install?.target !== 'kimi-code') return checks;
  const queue = new PQueue({ concurrency: DOCTOR_CONCURRENCY });
  const results = await Promise.all(input.roleDirs.map((dir) => queue.add(() => kimiDoctorConfig(command, dir, input.env))));
  input.roleDirs.forEach((dir, i) => {
    const r = results[i]!;
    const problems = [...r.errors, ...r.warnings];
    checks.push({
      name: `kimi doctor config ${join(dir, 'config.toml')}`,
      roleDir: dir,
      ok: r.ok,
      message: r.ok ? 'Kimi Code accepts it' : problems.join('; '),
      ...(r.ok ? {} : { severity: r.errors.length ? ('error' as const) : ('warning' as const) }),
      ...(r.ok ? {} : { fix: 'run "hero-team sync" (a hand edit or a Kimi rewrite is reverted); if it persists, report it: hero_team rendered something Kimi Code rejects' }),
    });
  });
  return checks;
}
