/**
 * Doctor checks of one role: its directory, manifest, files, config.toml and mcp.json rules, skills, keys, modes.
 *
 * The entry point; the checks, one concept a file: manifest-checks.ts (the manifest itself), managed-file-checks.ts
 * (the files it lists), file-rule-checks.ts (config.toml and mcp.json under the target's rules), native-checks.ts
 * (agent file and hooks), desired-checks.ts (a dry run: references the role cannot have) and pending-checks.ts
 * (what a sync would change).
 */
import { join } from 'node:path';
import type { KimiTargetId, RoleSpec } from '../../desired/schema.ts';
import { roleDirIsReal } from '../../observed/role-path.ts';
import type { ReconcileDeps } from '../reconcile.ts';
import { checkDesired } from './desired-checks.ts';
import { checkFileRules } from './file-rule-checks.ts';
import type { Findings } from './finding.ts';
import { checkManifestFiles } from './managed-file-checks.ts';
import { checkManifest } from './manifest-checks.ts';
import { checkNative } from './native-checks.ts';

/**
 * Every check of role `name` (declared in `spec`, or only a managed directory when spec is undefined); its files
 * are judged by the rules of `target`, the client they are rendered for.
 */
export async function checkRole(
  name: string,
  spec: RoleSpec | undefined,
  deps: ReconcileDeps,
  target: KimiTargetId,
  f: Findings,
): Promise<void> {
  const dir = join(deps.paths.rolesDir, name);
  const at = { role: name };
  const real = roleDirIsReal(dir);
  if (real === false)
    return f.add(
      'error',
      'role.dir-symlink',
      `role dir ${dir} is a symlink or not a directory: hero_team refuses to write through it`,
      `replace it with a real directory (mv it away and run "hero-team sync ${name}")`,
      { ...at, file: dir },
    );
  const manifest = await checkManifest(name, dir, spec, f);
  if (!spec && manifest)
    f.add(
      'warning',
      'role.undeclared',
      `role dir ${dir} has a manifest but the store no longer declares "${name}"`,
      `its generated files are deleted at the next sync; "hero-team rollback ${name}" restores what was there before`,
      { ...at, file: dir },
    );
  if (manifest) checkManifestFiles(name, dir, manifest, spec, f);
  for (const file of ['config.toml', 'mcp.json']) checkFileRules(name, dir, file, target, f);
  if (spec) checkNative(name, dir, spec, target, f);
  if (spec) await checkDesired(name, dir, deps, f);
}
