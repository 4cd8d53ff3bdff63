/** Leftovers of an interrupted write: its temp files, and the files it set aside, removed only when provably ours. */
import { lstatSync, type Stats, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sweepTemps } from '../../fs/temp-sweep.ts';
import { type BackupEntry, readBackupIndex, readVerifiedBackup } from '../../observed/backup-index.ts';
import { md5FileSync } from '../../observed/digest.ts';
import { isManifestOf, MANIFEST_FILE } from '../../observed/manifest.ts';
import { parentsAreDirs } from '../../observed/role-dir.ts';
import { entriesByPath, type Manifest } from '../../observed/role-files.ts';
import { sweepBackupTemps } from '../backup-sweep.ts';

/**
 * Remove the leftovers in role `name`'s `dir`; returns how many. Only temps the write intent recorded, and manifest
 * temps that are this role's manifest, are ours. `backupsDir`: where the role's backups are, so that a file set
 * aside whose bytes a backup keeps can go too, and the record temps an interrupted backup left there are settled.
 */
export function sweepLeftovers(dir: string, name: string, manifest: Manifest | null, backupsDir?: string): number {
  return (
    sweepTemps(dir, manifest?.temps ?? [], MANIFEST_FILE, (text) => isManifestOf(text, name)) +
    (manifest ? sweepAsides(dir, manifest, backupsOf(backupsDir, name)) : 0) +
    (backupsDir ? sweepBackupTemps(backupsDir, name) : 0)
  );
}

/**
 * Remove the files an interrupted apply set aside, when they hold bytes we wrote for the path they were set
 * aside from (its recorded or announced md5), or bytes a backup of that path keeps (a hand edit is backed up
 * before it is set aside); anything else stays where it is, its bytes kept, and stays recorded.
 */
function sweepAsides(dir: string, manifest: Manifest, backups: (path: string) => BackupEntry[]): number {
  const entries = entriesByPath(manifest);
  let removed = 0;
  for (const rel of manifest.asides ?? []) {
    const cut = rel.lastIndexOf('/');
    const name = rel.slice(cut + 1).match(/^\.(.+)\.hero-tmp-\d+-[0-9a-f]{8}$/)?.[1];
    if (!name) continue;
    const path = `${rel.slice(0, cut + 1)}${name}`;
    const abs = join(dir, rel);
    try {
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isFile() || !parentsAreDirs(dir, rel, new Map())) continue;
      let md5: string | undefined;
      const md5Now = () => (md5 ??= md5FileSync(abs, st.size));
      const entry = entries.get(path);
      const ours = !!entry && (md5Now() === entry.md5 || md5Now() === entry.pendingMd5);
      if (!ours && !keptInBackup(st, md5Now, backups(path))) continue;
      unlinkSync(abs);
      removed++;
    } catch {
      // unreadable or gone: left alone
    }
  }
  return removed;
}

/** The backups of one path of role `name` (read once, on first need); none without a backups directory. */
function backupsOf(backupsDir: string | undefined, name: string): (path: string) => BackupEntry[] {
  let all: BackupEntry[] | undefined;
  return (path) => {
    if (!backupsDir) return [];
    all ??= readBackupIndex(backupsDir, name).entries;
    return all.filter((e) => e.path === path);
  };
}

/**
 * True when one of `backups` keeps the bytes of the file `st` describes: its copy is that very inode (a hard-link
 * backup), or its copy still holds the md5 recorded for it and that is the file's md5.
 */
function keptInBackup(st: Stats, md5: () => string, backups: readonly BackupEntry[]): boolean {
  for (const b of backups) {
    const copy = lstatSync(b.file, { throwIfNoEntry: false });
    if (copy?.isFile() && copy.ino === st.ino && copy.dev === st.dev) return true;
  }
  return backups.some((b) => b.md5 === md5() && readVerifiedBackup(b) !== undefined);
}
