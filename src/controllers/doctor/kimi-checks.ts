/** Doctor checks of the Kimi client: the installed kimi against the target, and Kimi Code's own verdict per role. */
import { basename, join } from 'node:path';
import type { KimiTargetId } from '../../desired/schema.ts';
import { findKimiOnPath, type KimiCommand, kimiDoctorChecks } from '../../observed/kimi-install.ts';
import { inspectRolePath } from '../../observed/role-path.ts';
import type { Findings } from './finding.ts';

/** Inputs: the target in force, the environment whose PATH is searched, the role directories to hand to Kimi Code. */
export interface KimiCheckInput {
  target: KimiTargetId;
  env: NodeJS.ProcessEnv;
  roleDirs: readonly string[];
  /** The kimi to run instead of PATH's (the conformance binary in tests). */
  command?: KimiCommand;
}

/**
 * No kimi on PATH (warning), a kimi of the other client (error: the roles' files are not in its format) or one
 * hero_team cannot identify (warning), then, with Kimi Code installed and targeted, `kimi doctor config` on each
 * role that has a config.toml.
 */
export async function checkKimi(input: KimiCheckInput, f: Findings): Promise<void> {
  const roleDirs = input.roleDirs.filter((dir) => inspectRolePath(dir, 'config.toml').kind === 'file');
  const [install, ...roles] = await kimiDoctorChecks({ ...input, roleDirs });
  if (!install!.ok) {
    const missing = !input.command && !findKimiOnPath(input.env);
    f.add(
      missing ? 'warning' : (install!.severity ?? 'warning'),
      missing ? 'kimi.not-on-path' : 'kimi.target',
      missing
        ? `the "kimi" command is not on PATH (target ${input.target}): "hero-team run" and the launch lines cannot start it`
        : install!.message,
      install!.fix ?? '',
    );
  }
  for (const c of roles) {
    if (c.ok || !c.roleDir) continue;
    const role = basename(c.roleDir);
    f.add(
      c.severity ?? 'error',
      'role.kimi-doctor',
      `Kimi Code's "kimi doctor config" on ${join(c.roleDir, 'config.toml')}: ${c.message}`,
      `run "hero-team sync ${role}" (a hand edit or a Kimi rewrite is reverted); if it persists, hero_team rendered something Kimi Code rejects: report it`,
      { role, file: join(c.roleDir, 'config.toml') },
    );
  }
}
