/** Leftovers of an interrupted write: its temp files, and the files it set aside, removed only when provably ours. */
import { lstatSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sweepTemps } from '../../fs/temp-sweep.ts';
import { md5FileSync } from '../../observed/digest.ts';
import { isManifestOf, MANIFEST_FILE } from '../../observed/manifest.ts';
import { parentsAreDirs } from '../../observed/role-dir.ts';
import { entriesByPath, type Manifest } from '../../observed/role-files.ts';

/**
 * Remove the leftovers in role `name`'s `dir`; returns how many. Only temps the write intent recorded, and manifest
 * temps that are this role's manifest, are ours.
 */
export function sweepLeftovers(dir: string, name: string, manifest: Manifest | null): number {
  return (
    sweepTemps(dir, manifest?.temps ?? [], MANIFEST_FILE, (text) => isManifestOf(text, name)) +
    (manifest ? sweepAsides(dir, manifest) : 0)
  );
}

/**
 * Remove the files an interrupted apply set aside, when they hold bytes we wrote for the path they were set
 * aside from (its recorded or announced md5); anything else stays where it is, its bytes kept.
 */
function sweepAsides(dir: string, manifest: Manifest): number {
  const entries = entriesByPath(manifest);
  let removed = 0;
  for (const rel of manifest.asides ?? []) {
    const cut = rel.lastIndexOf('/');
    const name = rel.slice(cut + 1).match(/^\.(.+)\.hero-tmp-\d+-[0-9a-f]{8}$/)?.[1];
    const entry = name && entries.get(`${rel.slice(0, cut + 1)}${name}`);
    if (!entry) continue;
    const abs = join(dir, rel);
    try {
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isFile() || !parentsAreDirs(dir, rel, new Map())) continue;
      const md5 = md5FileSync(abs, st.size);
      if (md5 !== entry.md5 && md5 !== entry.pendingMd5) continue;
      unlinkSync(abs);
      removed++;
    } catch {
      // unreadable or gone: left alone
    }
  }
  return removed;
}
