/** Reading the backups hero_team made for a role: `<backups>/<role>/<id>/` directories with their BACKUP.json. */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { md5Bytes } from './digest.ts';
import { isSafeRelativePath } from './manifest.ts';

/** File name of a backup directory's record. */
export const BACKUP_RECORD_FILE = 'BACKUP.json';

/** Backup directory names BackupSession makes: `<UTC timestamp>-<seq>`. */
const SESSION_RE = /^\d{8}T\d{6}(\.\d{3})?Z-\d{3,}$/;

const RecordSchema = z.object({
  role: z.string(),
  files: z.array(
    z.object({
      path: z.string().refine(isSafeRelativePath),
      reason: z.enum(['modified', 'foreign']),
      md5: z.string(),
      expectedMd5: z.string().optional(),
      at: z.string(),
      size: z.number().optional(),
      mode: z.number().optional(),
      generation: z.number().optional(),
    }),
  ),
});

/** One file's line in a backup directory's record, as BackupSession writes it. */
export interface BackupRecord {
  /** Role-relative path of the file that was backed up. */
  path: string;
  /** modified: a hand edit of a file we wrote; foreign: a file that was there before hero_team wrote it. */
  reason: 'modified' | 'foreign';
  /** md5 of the backed-up bytes, as they were when the backup was taken. */
  md5: string;
  /** md5 the manifest said we wrote (absent for a file that was there before us). */
  expectedMd5?: string;
  /** ISO time of the backup. */
  at: string;
  /** Size and permission bits of the file when it was backed up (a restore puts the mode back). */
  size?: number;
  mode?: number;
  /** Generation of the role spec whose apply replaced or deleted the file. */
  generation?: number;
  /**
   * True when the backup is a hard link to the file's inode (the backup directory is on the same filesystem):
   * an edit that landed on that inode after the backup, through a descriptor opened before, is in it too.
   */
  linked?: boolean;
}

/** One backed-up file, as read back. */
export interface BackupEntry extends Omit<BackupRecord, 'size' | 'linked'> {
  /** The backup directory's name: what `restore --from` takes. */
  id: string;
  role: string;
  /** Size of the copy on disk (undefined: the copy is missing). */
  size?: number;
  /** Absolute path of the copy. */
  file: string;
}

/** What reading a role's backups found: entries oldest first, and directories that are not (valid) backups of ours. */
export interface BackupIndex {
  entries: BackupEntry[];
  /** Directory names under the role's backups that carry no valid record: never read, restored or pruned. */
  ignored: string[];
}

/** The backups directory of one role. */
export function roleBackupsDir(backupsRoot: string, role: string): string {
  if (!ROLE_NAME_RE.test(role)) throw new Error(`invalid role name "${role}"`);
  return join(backupsRoot, role);
}

/**
 * Every backup of `role`, oldest first. Only directories named like ours, holding a BACKUP.json that names this
 * role, count; a record's path must stay inside the role directory. Anything else is listed in `ignored`.
 */
export function readBackupIndex(backupsRoot: string, role: string): BackupIndex {
  const dir = roleBackupsDir(backupsRoot, role);
  const index: BackupIndex = { entries: [], ignored: [] };
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return index;
  }
  for (const id of names) {
    const files = readSession(dir, id, role);
    if (files) index.entries.push(...files);
    else index.ignored.push(id);
  }
  index.entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return index;
}

/**
 * The newest backup of one path of `role` (by backup directory name, which starts with its time), or undefined
 * when none of its valid backups holds that path. Reads directories newest first and stops at the first that
 * holds the path.
 */
export function latestBackupOf(backupsRoot: string, role: string, path: string): BackupEntry | undefined {
  const dir = roleBackupsDir(backupsRoot, role);
  let names: string[];
  try {
    names = readdirSync(dir).sort().reverse();
  } catch {
    return undefined;
  }
  for (const id of names) {
    const latest = readSession(dir, id, role)?.findLast((e) => e.path === path);
    if (latest) return latest;
  }
  return undefined;
}

function readSession(dir: string, id: string, role: string): BackupEntry[] | undefined {
  if (!SESSION_RE.test(id)) return undefined;
  const st = lstatSync(join(dir, id), { throwIfNoEntry: false });
  if (!st?.isDirectory()) return undefined;
  let parsed;
  try {
    parsed = RecordSchema.safeParse(JSON.parse(readFileSync(join(dir, id, BACKUP_RECORD_FILE), 'utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || parsed.data.role !== role) return undefined;
  return parsed.data.files.map((f) => {
    const file = join(dir, id, f.path);
    const copy = lstatSync(file, { throwIfNoEntry: false });
    return { id, role, ...f, size: copy?.isFile() ? copy.size : undefined, file };
  });
}

/**
 * What retention never drops: the first backup of each path (the oldest), and every `foreign` backup (a user's
 * file from before a takeover: the only copy of those bytes once hero_team wrote over them; a role rolled back
 * and taken over again has one per takeover).
 */
export function protectedBackups(entries: readonly BackupEntry[]): Set<BackupEntry> {
  const keep = new Set<BackupEntry>();
  const first = new Map<string, BackupEntry>();
  for (const e of entries) if (!first.has(e.path)) first.set(e.path, e);
  for (const e of first.values()) keep.add(e);
  for (const e of entries) if (e.reason === 'foreign') keep.add(e);
  return keep;
}

/**
 * Each path's original: its newest backup taken because the file was there before hero_team wrote over it
 * (`foreign`), i.e. the file as it was right before the latest takeover (an earlier takeover was rolled back,
 * and the user's file may have changed since). A path without one was created by hero_team.
 */
export function originalBackups(entries: readonly BackupEntry[]): Map<string, BackupEntry> {
  const originals = new Map<string, BackupEntry>();
  for (const e of entries) if (e.reason === 'foreign') originals.set(e.path, e);
  return originals;
}

/** The copy's bytes when they still hash to what was recorded; undefined when it is missing, not a file, or altered. */
export function readVerifiedBackup(entry: BackupEntry): Buffer | undefined {
  try {
    const st = lstatSync(entry.file);
    if (!st.isFile()) return undefined;
    const bytes = readFileSync(entry.file);
    return md5Bytes(bytes) === entry.md5 ? bytes : undefined;
  } catch {
    return undefined;
  }
}
