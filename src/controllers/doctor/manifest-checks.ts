/** Doctor checks of a role's manifest: present, readable, and this role's own. */
import type { RoleSpec } from '../../desired/schema.ts';
import { manifestPath, readManifest } from '../../observed/manifest.ts';
import type { Manifest } from '../../observed/role-files.ts';
import type { Findings } from './finding.ts';

/** The manifest of role `name` in `dir`, or undefined (with a finding when that is a problem) when none stands. */
export async function checkManifest(
  name: string,
  dir: string,
  spec: RoleSpec | undefined,
  f: Findings,
): Promise<Manifest | undefined> {
  const file = manifestPath(dir);
  const read = await readManifest(dir);
  if (read.state === 'absent') {
    if (spec)
      f.add(
        'warning',
        'role.not-synced',
        `role "${name}" has no manifest in ${dir}: it was never converged`,
        `run "hero-team sync ${name}" or start the daemon`,
        { role: name, file },
      );
    return undefined;
  }
  if (read.state === 'corrupt') {
    f.add(
      'error',
      'role.manifest-invalid',
      `manifest ${file} is invalid (${read.error.split('\n')[0]}): hero_team treats every file there as not its own`,
      `remove it and run "hero-team sync ${name}" (files in the way are backed up, not lost)`,
      { role: name, file },
    );
    return undefined;
  }
  if (read.manifest.role !== name) {
    f.add(
      'error',
      'role.manifest-foreign',
      `manifest ${file} belongs to role "${read.manifest.role}" (a copied or renamed role dir)`,
      `move the directory back, or remove the manifest and sync`,
      { role: name, file },
    );
    return undefined;
  }
  return read.manifest;
}
