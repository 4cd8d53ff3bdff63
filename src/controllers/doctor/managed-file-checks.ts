/** Doctor checks of the files a role's manifest lists: hero_team wrote them, so each must still be as written. */
import { join } from 'node:path';
import type { RoleSpec } from '../../desired/schema.ts';
import type { Manifest } from '../../observed/role-files.ts';
import { inspectRolePath } from '../../observed/role-path.ts';
import type { Findings } from './finding.ts';

/** Each file the manifest lists: present, the bytes and mode we wrote, nothing in the way. */
export function checkManifestFiles(
  name: string,
  dir: string,
  manifest: Manifest,
  spec: RoleSpec | undefined,
  f: Findings,
): void {
  const held = spec?.driftPolicy === 'report';
  for (const e of manifest.entries) {
    const file = join(dir, e.path);
    const now = inspectRolePath(dir, e.path);
    const at = { role: name, file };
    if (now.kind === 'missing')
      f.add(
        'warning',
        'role.file-missing',
        `${file} (written by hero_team) is missing`,
        `run "hero-team sync ${name}" (the daemon restores it)`,
        at,
      );
    else if (now.kind === 'unsafe')
      f.add(
        'error',
        'role.file-unsafe',
        `${file}: ${now.reason}; hero_team never writes through it`,
        'replace the link with a real directory or file',
        at,
      );
    else if (now.kind === 'other')
      f.add(
        'error',
        'role.file-conflict',
        `${file} is a directory or device where hero_team wrote a file`,
        'move it away and sync',
        at,
      );
    else if (now.md5 !== e.md5 && now.md5 !== e.pendingMd5) {
      const what = held
        ? 'kept (drift policy "report"): desired changes no longer reach it'
        : 'reverted by the daemon or the next sync (a backup is kept)';
      f.add(
        'warning',
        'role.file-modified',
        `${file} was changed by hand; ${what}`,
        held
          ? `"hero-team diff ${name}" shows it; "hero-team role set ${name} --drift revert" to take changes again`
          : `change the role instead ("hero-team role set ${name} ..."), or switch it to --drift report`,
        at,
      );
    } else if (now.mode !== e.mode) {
      f.add(
        'warning',
        'role.file-mode',
        `${file} has mode 0${now.mode.toString(8)}, hero_team wrote 0${e.mode.toString(8)}`,
        `run "hero-team sync ${name}"`,
        at,
      );
    }
  }
}
