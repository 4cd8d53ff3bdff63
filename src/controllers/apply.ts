/** Apply (the only writer of role directories): backups first, atomic writes, deletes by manifest, manifest last. */
import { lstatSync, mkdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock.ts';
import { ApplyError } from '../errors.ts';
import { md5Bytes } from '../observed/digest.ts';
import { MANIFEST_FILE, manifestPath, serializeManifest } from '../observed/manifest.ts';
import type { DesiredFile, ManifestEntry } from './artifacts.ts';
import { syncDir, writeFileAtomic } from './atomic-write.ts';
import { BackupSession } from './backup.ts';
import type { Plan } from './plan.ts';

/** Side effects apply needs. */
export interface ApplyDeps {
  backupsDir: string;
  clock: Clock;
  /** Parallel file writes (bounded so a large role does not exhaust file descriptors). */
  writeConcurrency?: number;
}

/** What apply did. */
export interface ApplyResult {
  written: number;
  deleted: number;
  backups: number;
  backupDir?: string;
  /** Source files that changed between render and copy: the role needs another reconcile. */
  sourceChanged: string[];
}

/** Execute a plan against the role directory. */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const session = new BackupSession(deps.backupsDir, plan.role, deps.clock);
  const result: ApplyResult = { written: 0, deleted: 0, backups: 0, sourceChanged: [] };
  const touchedDirs = new Set<string>();
  // 1. Back up every byte we did not write, before anything is touched.
  for (const action of [...plan.writes, ...plan.deletes]) {
    const path = 'file' in action ? action.file.path : action.path;
    if (action.backup) await guard(plan, path, () => session.save(path, join(plan.dir, path), action.backup!));
  }
  // 2. Record the write intent, so bytes a crash leaves behind are still recognised as ours.
  if (plan.writes.length && plan.manifest) await guard(plan, MANIFEST_FILE, () => writeIntent(plan));
  // 3. Write desired files atomically, recording what actually landed.
  const landed = new Map<string, ManifestEntry>();
  await runBounded(plan.writes, deps.writeConcurrency ?? 16, async (w) => {
    const abs = join(plan.dir, w.file.path);
    const entry = await guard(plan, w.file.path, () => writeDesired(abs, w.file));
    if (entry.md5 !== w.file.md5) result.sourceChanged.push(w.file.path);
    landed.set(w.file.path, { ...entry, path: w.file.path });
    touchedDirs.add(dirname(abs));
    result.written++;
  });
  // 4. Delete what the manifest says we wrote and is no longer desired, then empty parents.
  for (const d of plan.deletes) {
    const abs = join(plan.dir, d.path);
    await guard(plan, d.path, async () => ignoreCode('ENOENT', () => unlinkSync(abs)));
    touchedDirs.add(await removeEmptyParents(dirname(abs), plan.dir));
    result.deleted++;
  }
  // Paths dropped whose file is already gone: an interrupted run may have made (only) their directory.
  const kept = new Set([...(plan.manifest?.entries.map((e) => e.path) ?? []), ...plan.deletes.map((d) => d.path)]);
  for (const e of plan.previous?.entries ?? []) {
    if (!kept.has(e.path)) touchedDirs.add(await removeEmptyParents(dirname(join(plan.dir, e.path)), plan.dir));
  }
  // 5. A live role always has skills/ (Kimi's --skills-dir needs an existing directory).
  if (plan.manifest) mkdirSync(join(plan.dir, 'skills'), { recursive: true });
  // 6. Make renames and unlinks durable, then write the manifest last.
  await Promise.all([...touchedDirs].map((d) => syncDir(d)));
  if (plan.manifestChanged) await guard(plan, MANIFEST_FILE, () => writeManifest(plan, landed));
  result.backups = session.count;
  result.backupDir = session.path;
  return result;
}

/** Write one desired file; a copy hashes the bytes it copies so the manifest records what really landed (read synchronously: see atomic-write.ts). */
async function writeDesired(abs: string, file: DesiredFile): Promise<Omit<ManifestEntry, 'path'>> {
  const bytes = file.source.kind === 'bytes' ? file.source.bytes : readFileSync(file.source.from);
  const st = await writeFileAtomic(abs, bytes, file.mode);
  return { md5: file.source.kind === 'bytes' ? file.md5 : md5Bytes(bytes), size: st.size, mode: file.mode, mtimeMs: st.mtimeMs };
}

/** The previous manifest plus, for every path about to be written, the md5 of the bytes being written. */
async function writeIntent(plan: Plan): Promise<void> {
  const entries = new Map(plan.previous?.entries.map((e) => [e.path, { ...e }]) ?? []);
  for (const w of plan.writes) {
    const entry = entries.get(w.file.path) ?? { path: w.file.path, md5: '', size: -1, mode: w.file.mode, mtimeMs: 0 };
    // Bytes on disk that are ours become the recorded md5, so a crash after a crash still recognises them.
    entries.set(w.file.path, { ...entry, md5: w.ours ?? entry.md5, pendingMd5: w.file.md5 });
  }
  const base = plan.previous ?? { version: 1 as const, role: plan.role, revision: '' };
  await writeFileAtomic(manifestPath(plan.dir), serializeManifest({ ...base, entries: [...entries.values()] }), 0o600);
}

async function writeManifest(plan: Plan, landed: Map<string, ManifestEntry>): Promise<void> {
  const path = manifestPath(plan.dir);
  if (!plan.manifest) {
    ignoreCode('ENOENT', () => unlinkSync(path));
    // Both only succeed when empty: the skills/ we created and the role dir go, anything of the user's stays.
    ignoreCode('*', () => rmdirSync(join(plan.dir, 'skills')));
    ignoreCode('*', () => rmdirSync(plan.dir));
    return;
  }
  const entries = plan.manifest.entries.map((e) => landed.get(e.path) ?? e);
  await writeFileAtomic(path, serializeManifest({ ...plan.manifest, entries }), 0o600);
}

/** Remove empty directories from `dir` up to (not including) `stop`; returns the first directory kept. */
async function removeEmptyParents(dir: string, stop: string): Promise<string> {
  if (!isRealDirChain(stop, dir)) return stop; // a symlink on the way: never remove anything through it
  let current = dir;
  while (current.startsWith(stop + '/')) {
    try {
      rmdirSync(current);
    } catch {
      return current;
    }
    current = dirname(current);
  }
  return current;
}

/** True when every directory from below `stop` down to `dir` is a real directory (not a symlink). */
function isRealDirChain(stop: string, dir: string): boolean {
  for (let current = dir; current.startsWith(stop + '/'); current = dirname(current)) {
    const st = lstatSync(current, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return false;
  }
  return true;
}

async function guard<T>(plan: Plan, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new ApplyError(plan.role, join(plan.dir, path), { cause: err });
  }
}

/** Run a synchronous filesystem call (unlink, rmdir: metadata only, never waits for the disk), ignoring one error code (`*`: any). */
function ignoreCode(code: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (code !== '*' && (err as NodeJS.ErrnoException).code !== code) throw err;
  }
}

async function runBounded<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Remove leftover temp files of an interrupted write (names only our atomic-write helper produces). */
export async function sweepTempFiles(dir: string, rels: readonly string[]): Promise<number> {
  let removed = 0;
  for (const rel of rels) {
    ignoreCode('ENOENT', () => {
      unlinkSync(join(dir, rel));
      removed++;
    });
  }
  return removed;
}
