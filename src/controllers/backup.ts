/** Backups of bytes we did not write, before they are overwritten or deleted. Never overwrites a backup. */
import { chmodSync, constants, copyFileSync, linkSync, lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Clock, fileTimestamp } from '../clock.ts';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { syncDir } from '../fs/fsync.ts';
import { type Expected, stampOf } from '../fs/place-check.ts';
import { BACKUP_RECORD_FILE, type BackupRecord, latestBackupOf } from '../observed/backup-index.ts';
import { md5Bytes, sameStamp } from '../observed/digest.ts';

/** One backup directory `<backups>/<role>/<timestamp>-<seq>/`, created on first use. */
export class BackupSession {
  private dir: string | undefined;
  private readonly records: BackupRecord[] = [];

  constructor(
    private readonly backupsRoot: string,
    private readonly role: string,
    private readonly clock: Clock,
    private readonly generation?: number,
  ) {}

  /**
   * Back up `abs` (role-relative `path`), durably, before the caller touches it. Returns what the path must
   * still hold when the caller replaces it: the same inode (hard link), the same version (copy), or null when
   * the same bytes are already kept for this path by an earlier backup (a retried apply) and nothing was made.
   * `secret`: the file may hold keys, so its backup is 0600 whatever the source mode. `opts.link`: back up by
   * hard link where possible (apply, which replaces the file at once: until then the live file and the backup
   * share their bytes); `opts.dedupe`: make nothing when the latest backup of the path holds these bytes.
   */
  async save(
    path: string,
    abs: string,
    record: Omit<BackupRecord, 'path' | 'at' | 'size' | 'mode' | 'generation' | 'linked'>,
    secret = false,
    opts: { link?: boolean; dedupe?: boolean } = {},
  ): Promise<Expected | null> {
    if (opts.dedupe && this.alreadyKept(path, record.md5)) return null;
    const st = lstatSync(abs);
    const dir = await this.ensureDir();
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    let expected = opts.link ? linkInto(abs, target) : undefined;
    const linked = expected !== undefined;
    expected ??= copyInto(abs, target);
    if (secret) chmodSync(target, 0o600);
    const fh = await open(target, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const md5 = md5Bytes(readFileSync(target));
    const generation = this.generation === undefined ? {} : { generation: this.generation };
    this.records.push({
      path,
      ...record,
      md5,
      at: new Date(this.clock.now()).toISOString(),
      size: st.size,
      mode: st.mode & 0o777,
      ...generation,
      ...(linked ? { linked } : {}),
    });
    await writeFileAtomic(
      join(dir, BACKUP_RECORD_FILE),
      JSON.stringify({ role: this.role, files: this.records }, null, 2) + '\n',
      0o600,
    );
    await syncDir(dirname(target));
    return expected;
  }

  /** The session directory, if any backup was made. */
  get path(): string | undefined {
    return this.dir;
  }

  /** Number of files backed up. */
  get count(): number {
    return this.records.length;
  }

  /**
   * The latest earlier backup of this path holds these very bytes (its record says so and its file is there):
   * a retried apply (a read-only file, a failing write) makes no new copy each time.
   */
  private alreadyKept(path: string, md5: string): boolean {
    const latest = latestBackupOf(this.backupsRoot, this.role, path);
    return latest !== undefined && latest.md5 === md5 && latest.size !== undefined;
  }

  private async ensureDir(): Promise<string> {
    if (this.dir) return this.dir;
    const roleDir = join(this.backupsRoot, this.role);
    await mkdir(roleDir, { recursive: true, mode: 0o700 });
    const stamp = fileTimestamp(this.clock.now());
    for (let seq = 0; ; seq++) {
      const candidate = join(roleDir, `${stamp}-${String(seq).padStart(3, '0')}`);
      try {
        await mkdir(candidate, { mode: 0o700 }); // fails if it exists: never reuse a backup dir
        return (this.dir = candidate);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }
}

/**
 * Hard-link the file into the backup: no bytes copied, and no window in which an edit of that inode can be
 * missed. Undefined where a link cannot be made (another filesystem, links not supported).
 */
function linkInto(abs: string, target: string): Expected | undefined {
  try {
    linkSync(abs, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EXDEV' || code === 'EPERM' || code === 'EMLINK' || code === 'ENOTSUP' || code === 'EOPNOTSUPP')
      return undefined;
    throw err;
  }
  const st = lstatSync(target);
  return { kind: 'inode', dev: st.dev, ino: st.ino };
}

/** Copy the file into the backup, again until it did not change during the copy; expects that version later. */
function copyInto(abs: string, target: string): Expected {
  for (let attempt = 0; ; attempt++) {
    const before = lstatSync(abs);
    if (attempt) unlinkSync(target);
    copyFileSync(abs, target, constants.COPYFILE_EXCL);
    const after = lstatSync(abs);
    if (sameStamp(before, after) || attempt >= 4) return stampOf(after);
  }
}
