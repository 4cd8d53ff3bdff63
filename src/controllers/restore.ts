/** Restore one backed-up file into a role directory, backing up first whatever there is not ours. */

import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { type Paths, statePaths } from '../config.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { HeroTeamError, InputError } from '../errors.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { type BackupEntry, readBackupIndex, readVerifiedBackup } from '../observed/backup-index.ts';
import { readManifest } from '../observed/manifest.ts';
import { inspectRolePath, type PathState, roleDirIsReal } from '../observed/role-path.ts';
import { isSecretPath } from './apply-checks.ts';
import { BackupSession } from './backup.ts';
import { withRoleDirLock } from './reconcile.ts';

/** A restore that cannot be done; nothing was changed. */
export class RestoreError extends HeroTeamError {
  constructor(
    readonly role: string,
    readonly path: string,
    detail: string,
  ) {
    super('RESTORE_REFUSED', `role "${role}": cannot restore ${path}: ${detail}`);
  }
}

/** What restore did (dry-run: would do). */
export interface RestoreReport {
  role: string;
  path: string;
  from: BackupEntry;
  /** unchanged: the file already holds these bytes. */
  action: 'write' | 'unchanged';
  /** Why the current file is backed up first (absent: nothing there, or bytes hero_team wrote). */
  backupOfCurrent?: 'modified' | 'foreign';
  /** The backup directory made for the current file. */
  backupDir?: string;
}

/** The backup restore uses: `--from ID`, else the newest backup of the path. */
export function pickBackup(entries: readonly BackupEntry[], role: string, path: string, from?: string): BackupEntry {
  const ofPath = entries.filter((e) => e.path === path);
  if (!ofPath.length) throw new RestoreError(role, path, `no backup of this path (see "hero-team backups ${role}")`);
  if (from === undefined) return ofPath[ofPath.length - 1]!;
  const hit = ofPath.find((e) => e.id === from);
  if (!hit)
    throw new RestoreError(
      role,
      path,
      `backup "${from}" holds no copy of it (its backups: ${ofPath.map((e) => e.id).join(', ')})`,
    );
  return hit;
}

/** Put `path` of role `name` back from a backup; the role's lock keeps the daemon out meanwhile. */
export async function restoreFile(
  paths: Paths,
  clock: Clock,
  name: string,
  rel: string,
  opts: { from?: string; dryRun?: boolean; generation?: number },
): Promise<RestoreReport> {
  if (!ROLE_NAME_RE.test(name)) throw new InputError('ROLE', `invalid role name "${name}"`);
  const dir = join(paths.rolesDir, name);
  const run = async (): Promise<RestoreReport> => {
    if (roleDirIsReal(dir) === false) throw new RestoreError(name, rel, `${dir} is a symlink or not a directory`);
    const backupsRoot = statePaths(paths.home).backups;
    const from = pickBackup(readBackupIndex(backupsRoot, name).entries, name, rel, opts.from);
    const bytes = readVerifiedBackup(from);
    if (!bytes)
      throw new RestoreError(
        name,
        rel,
        `the backup copy ${from.file} is missing or no longer matches its recorded md5`,
      );
    const now = inspectRolePath(dir, rel);
    const report: RestoreReport = {
      role: name,
      path: rel,
      from,
      action: 'write',
      backupOfCurrent: await currentBackupReason(dir, rel, now),
    };
    if (now.kind === 'file' && now.md5 === from.md5)
      return { ...report, action: 'unchanged', backupOfCurrent: undefined };
    if (opts.dryRun) return report;
    if (report.backupOfCurrent) {
      const session = new BackupSession(backupsRoot, name, clock, opts.generation);
      await session.save(
        rel,
        join(dir, rel),
        { reason: report.backupOfCurrent, md5: (now as { md5: string }).md5 },
        isSecretPath(rel),
      );
      report.backupDir = session.path;
    }
    await writeFileAtomic(join(dir, rel), bytes, from.mode ?? (now.kind === 'file' ? now.mode : 0o600));
    return report;
  };
  return opts.dryRun ? run() : withRoleDirLock(paths.home, name, run);
}

/** Whether the bytes now at the path must be backed up before they are replaced: anything but our own bytes. */
async function currentBackupReason(
  dir: string,
  rel: string,
  now: PathState,
): Promise<'modified' | 'foreign' | undefined> {
  if (now.kind === 'unsafe') throw new RestoreError(dir.split('/').pop()!, rel, now.reason);
  if (now.kind === 'other') throw new RestoreError(dir.split('/').pop()!, rel, 'a directory or device is in the way');
  if (now.kind === 'missing') return undefined;
  const read = await readManifest(dir);
  const entry = read.state === 'ok' ? read.manifest.entries.find((e) => e.path === rel) : undefined;
  if (!entry) return 'foreign';
  return entry.md5 === now.md5 || entry.pendingMd5 === now.md5 ? undefined : 'modified';
}
