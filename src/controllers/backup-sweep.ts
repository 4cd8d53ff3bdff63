/**
 * The temp files an interrupted backup left in a role's backup directories: the record being rewritten
 * (`.BACKUP.json.hero-tmp-<pid>-<hex>`, written then renamed over BACKUP.json). Each is proved ours by its
 * content before anything is done with it: a record of this role, or the start of one (a crash before its bytes).
 */
import { lstatSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ignoreErrors } from '../fs/ignore-errors.ts';
import { BACKUP_RECORD_FILE, roleBackupsDir } from '../observed/backup-index.ts';
import { isSafeRelativePath } from '../observed/manifest.ts';

/** A record temp file's name (tempPathFor of BACKUP.json). */
const RECORD_TEMP_RE = /^\.BACKUP\.json\.hero-tmp-\d+-[0-9a-f]{8}$/;

/** A record's file lines, as far as the sweep compares them. */
interface RecordLine {
  path: string;
  md5: string;
  at: string;
}

/**
 * Settle the record temps of `role`'s backup directories; returns how many. A complete record that holds a
 * line its directory's BACKUP.json lacks (the backup it records was made, its record not yet renamed into
 * place) becomes the record, when every copy it names is there; one holding nothing more, or only the start of
 * a record, is removed. Anything else is left alone.
 */
export function sweepBackupTemps(backupsRoot: string, role: string): number {
  const roleDir = roleBackupsDir(backupsRoot, role);
  let settled = 0;
  for (const id of namesIn(roleDir)) {
    const dir = join(roleDir, id);
    if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const name of namesIn(dir).filter((n) => RECORD_TEMP_RE.test(n))) {
      ignoreErrors(() => {
        if (settleTemp(dir, name, role)) settled++;
      });
    }
  }
  return settled;
}

function settleTemp(dir: string, name: string, role: string): boolean {
  const abs = join(dir, name);
  if (!lstatSync(abs).isFile()) return false;
  const kept = linesOf(readText(join(dir, BACKUP_RECORD_FILE)), role) ?? [];
  // A backed-up file that happens to have this name is the record's, not a temp.
  if (kept.some((l) => l.path === name)) return false;
  const text = readFileSync(abs, 'utf8');
  const lines = linesOf(text, role);
  if (!lines) {
    if (text !== '' && !text.startsWith(recordStart(role))) return false;
    unlinkSync(abs);
    return true;
  }
  const key = (l: RecordLine) => `${l.path}\0${l.md5}\0${l.at}`;
  const have = new Set(kept.map(key));
  const more = lines.some((l) => !have.has(key(l)));
  if (more && lines.every((l) => lstatSync(join(dir, l.path), { throwIfNoEntry: false })?.isFile()))
    renameSync(abs, join(dir, BACKUP_RECORD_FILE));
  else if (!more) unlinkSync(abs);
  else return false;
  return true;
}

/** How BackupSession's record text starts for `role`. */
function recordStart(role: string): string {
  return `{\n  "role": ${JSON.stringify(role)},`;
}

/** The lines of a complete record of `role`; undefined for anything else. */
function linesOf(text: string | undefined, role: string): RecordLine[] | undefined {
  try {
    const doc = JSON.parse(text ?? '') as { role?: unknown; files?: unknown };
    if (doc.role !== role || !Array.isArray(doc.files)) return undefined;
    const lines = doc.files as Partial<RecordLine>[];
    const valid = lines.every((l) => [l.path, l.md5, l.at].every((v) => typeof v === 'string'));
    return valid && lines.every((l) => isSafeRelativePath(l.path!)) ? (lines as RecordLine[]) : undefined;
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
