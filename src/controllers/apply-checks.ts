/**
 * What apply checks each path against right before it replaces or removes it (fs/replacer.ts does the
 * checking): the version it planned for, or the inode its backup holds. Bytes found that are neither are backed
 * up on the spot. Every byte we did not write is backed up before anything is touched.
 */
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { type DirIdentities, type Expected, parentRel } from '../fs/place-check.ts';
import type { BackupUnexpected } from '../fs/replacer.ts';
import { md5Bytes } from '../observed/digest.ts';
import { guard } from './apply/guard.ts';
import { BackupSession } from './backup.ts';
import type { DeleteAction, Plan, WriteAction } from './plan.ts';

/** Files that may hold keys: their backups are 0600. */
export function isSecretPath(path: string): boolean {
  return path === 'config.toml' || path === 'mcp.json';
}

/** What an action without a backup expects at its path: the version observed, or nothing (undefined: not known). */
export function expectedOf(action: WriteAction | DeleteAction): Expected | undefined {
  if (action.seen) return { kind: 'stamp', ...action.seen };
  if ('file' in action && (action.reason === 'create' || action.reason === 'restore')) return { kind: 'missing' };
  return undefined;
}

/**
 * Back up every byte of the plan's writes and deletes we did not write (by hard link where it can: an edit
 * landing on that inode until it is replaced is then in the backup too), and say what each path must still hold.
 */
export async function backUpFirst(
  plan: Plan,
  session: BackupSession,
  dirs: DirIdentities,
): Promise<Map<string, Expected | undefined>> {
  const expected = new Map<string, Expected | undefined>();
  for (const action of [...plan.writes, ...plan.deletes]) {
    const path = 'file' in action ? action.file.path : action.path;
    let kept: Expected | null = null;
    if (action.backup) {
      const secret = 'file' in action ? !!action.file.secret || isSecretPath(path) : isSecretPath(path);
      kept = await guard(plan, path, () => {
        dirs.of(parentRel(path));
        return session.save(path, join(plan.dir, path), action.backup!, secret, { link: true, dedupe: true });
      });
    }
    expected.set(path, kept ?? expectedOf(action));
  }
  return expected;
}

/** Bytes found where other bytes were planned for (a hand edit landing mid-apply), each in a backup of its own. */
export class UnexpectedBackups {
  /** How many were made. */
  count = 0;

  constructor(
    private readonly backupsDir: string,
    private readonly role: string,
    private readonly clock: Clock,
  ) {}

  readonly save: BackupUnexpected = async (rel, abs, bytes) => {
    const record = { reason: 'modified' as const, md5: md5Bytes(bytes) };
    await new BackupSession(this.backupsDir, this.role, this.clock).save(rel, abs, record, isSecretPath(rel), {
      link: true,
    });
    this.count++;
  };
}
