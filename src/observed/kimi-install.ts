/**
 * Which `kimi` is installed, whether it matches the target, and Kimi Code's own verdict on a role's config
 * (`kimi doctor config`). Used by `hero-team target detect`, `init` and `doctor`. The entry point (the target check
 * and the Kimi part of doctor); beside it kimi-command.ts (running kimi), kimi-probe.ts (finding and identifying
 * it) and kimi-doctor-config.ts (one `kimi doctor config`).
 */
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { KimiTargetId } from '../desired/schema.ts';
import type { KimiCommand } from './kimi-command.ts';
import { kimiDoctorConfig } from './kimi-doctor-config.ts';
import { findKimiOnPath, type KimiInstall, probeKimi } from './kimi-probe.ts';

export type { KimiCommand } from './kimi-command.ts';
export { type DoctorConfigResult, kimiDoctorConfig } from './kimi-doctor-config.ts';
export { detectKimiTarget, findKimiOnPath, type KimiInstall, probeKimi } from './kimi-probe.ts';

/** Result of a check, with the fix to show when it fails. */
export interface KimiCheck {
  ok: boolean;
  message: string;
  fix?: string;
}

/** Doctor check: the installed kimi is the client the files are rendered for. */
export function checkKimiMatchesTarget(target: KimiTargetId, install: KimiInstall | undefined): KimiCheck {
  const other = target === 'kimi-code' ? 'kimi-cli' : 'kimi-code';
  const setOther = `or render for it: hero-team target set ${other}`;
  const installIt =
    target === 'kimi-code' ? 'npm i -g @moonshot-ai/kimi-code (Node >= 22.19)' : 'install the Python kimi-cli';
  if (!install) return { ok: false, message: `no kimi on PATH (target ${target})`, fix: installIt };
  const what = `${install.path}${install.version ? ` (${install.version})` : ''}`;
  // A wrapper script or a stand-in: nothing to hold against it.
  if (!install.target)
    return { ok: true, message: `kimi at ${what}: which client it is cannot be told (no version printed)` };
  if (install.target !== target)
    return {
      ok: false,
      message: `kimi at ${what} is ${install.target}, but roles are rendered for ${target}`,
      fix: `${installIt}, ${setOther}`,
    };
  return { ok: true, message: `kimi at ${what} matches the target ${target}` };
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
  const results = await Promise.all(
    input.roleDirs.map((dir) => queue.add(() => kimiDoctorConfig(command, dir, input.env))),
  );
  input.roleDirs.forEach((dir, i) => {
    const r = results[i]!;
    const problems = [...r.errors, ...r.warnings];
    checks.push({
      name: `kimi doctor config ${join(dir, 'config.toml')}`,
      roleDir: dir,
      ok: r.ok,
      message: r.ok ? 'Kimi Code accepts it' : problems.join('; '),
      ...(r.ok ? {} : { severity: r.errors.length ? ('error' as const) : ('warning' as const) }),
      ...(r.ok
        ? {}
        : {
            fix: 'run "hero-team sync" (a hand edit or a Kimi rewrite is reverted); if it persists, report it: hero_team rendered something Kimi Code rejects',
          }),
    });
  });
  return checks;
}
