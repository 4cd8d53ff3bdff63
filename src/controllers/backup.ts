/** Backups of bytes we did not write, before they are overwritten or deleted. Never overwrites a backup. */
import { copyFile, constants, lstat, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileTimestamp, type Clock } from '../clock.ts';
import { writeFileAtomic } from './atomic-write.ts';

/** Why a file was backed up. */
export interface BackupRecord {
  path: string;
  reason: 'modified' | 'foreign';
  /** md5 of the backed-up bytes. */
  md5: string;
  /** md5 the manifest said we wrote (absent for a file that was there before us). */
  expectedMd5?: string;
  at: string;
  /** Size and permission bits of the file when it was backed up (a restore puts the mode back). */
  size?: number;
  mode?: number;
  /** Generation of the role spec whose apply replaced or deleted the file. */
  generation?: number;
}

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

  /** Copy `abs` (role-relative `path`) into the session, durably, before the caller touches it. */
  async save(path: string, abs: string, record: Omit<BackupRecord, 'path' | 'at' | 'size' | 'mode' | 'generation'>): Promise<string> {
    const st = await lstat(abs);
    const dir = await this.ensureDir();
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(abs, target, constants.COPYFILE_EXCL);
    const fh = await open(target, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const generation = this.generation === undefined ? {} : { generation: this.generation };
    this.records.push({ path, ...record, at: new Date(this.clock.now()).toISOString(), size: st.size, mode: st.mode & 0o777, ...generation });
    await writeFileAtomic(join(dir, 'BACKUP.json'), JSON.stringify({ role: this.role, files: this.records }, null, 2) + '\n', 0o600);
    return target;
  }

  /** The session directory, if any backup was made. */
  get path(): string | undefined {
    return this.dir;
  }

  /** Number of files backed up. */
  get count(): number {
    return this.records.length;
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
