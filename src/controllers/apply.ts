/** Apply (the only writer of role directories): backups first, atomic writes, deletes by manifest, manifest last. */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { mkdir as mkdirAsync } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock.ts';
import { ApplyError } from '../errors.ts';
import { isRacy, md5Bytes, sameStamp } from '../observed/digest.ts';
import { MANIFEST_FILE, manifestPath, rememberWrittenManifest, serializeManifest, type ManifestCache } from '../observed/manifest.ts';
import type { DesiredFile } from './artifacts.ts';
import { SKILLS_PREFIX, skillOfFile, type Manifest, type ManifestEntry } from '../observed/role-files.ts';
import { closeStaged, discardStaged, discardStagedDir, fsyncPath, fsyncStaged, publishStaged, publishStagedDir, stageCopy, stageDir, stageFile, syncDir, type StagedFile } from './atomic-write.ts';
import { BackupSession } from './backup.ts';
import { SyncfsUnavailable, type SyncBarrier } from './durability.ts';
import type { Plan } from './plan.ts';

/** Side effects apply needs. */
export interface ApplyDeps {
  backupsDir: string;
  clock: Clock;
  /** Generation of the spec being applied, recorded with each backup (absent for a deleted role). */
  generation?: number;
  /** Shared syncfs for large batches; without it (or where syncfs does not work) every file is fsynced. */
  barrier?: SyncBarrier;
  /** Where the manifest written last is remembered, so the next reconcile does not parse it back. */
  manifests?: ManifestCache;
}

/** A batch at least this large is made durable by one shared syncfs rather than an fsync per file. */
const SYNCFS_MIN_FILES = 16;
/** Staged files a role holds open at once (file descriptors) in a batch. */
const STAGE_CHUNK = 64;

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
  const session = new BackupSession(deps.backupsDir, plan.role, deps.clock, deps.generation);
  const result: ApplyResult = { written: 0, deleted: 0, backups: 0, sourceChanged: [] };
  const touchedDirs = new Set<string>();
  // 1. Back up every byte we did not write, before anything is touched.
  for (const action of [...plan.writes, ...plan.deletes]) {
    const path = 'file' in action ? action.file.path : action.path;
    if (action.backup) await guard(plan, path, () => session.save(path, join(plan.dir, path), action.backup!));
  }
  // 2. Record the write intent, so bytes a crash leaves behind are still recognised as ours. It is put in
  //    place unflushed; step 3 makes it durable together with the staged files, before any rename.
  const barrier = deps.barrier?.available() && plan.writes.length >= SYNCFS_MIN_FILES ? deps.barrier : undefined;
  // The filesystems a shared syncfs must cover: the role directory's, skills/ if it is another (a mount point),
  // and any other a staged file turns out to be on (writeFiles adds them).
  const devices = barrier ? roleDevices(plan.dir) : new Map<number, string>();
  if (plan.writes.length && plan.manifest) await guard(plan, MANIFEST_FILE, () => writeIntent(plan));
  // 3. Write desired files atomically (staged, made durable, renamed), recording what actually landed.
  const landed = new Map<string, ManifestEntry>();
  const record = (w: Plan['writes'][number], abs: string, entry: Omit<ManifestEntry, 'path'>, inStagedDir: boolean) => {
    if (entry.md5 !== w.file.md5) result.sourceChanged.push(w.file.path);
    landed.set(w.file.path, { ...entry, path: w.file.path });
    // A file that arrived inside a staged skill directory: its directories were made durable before the rename.
    if (!inStagedDir) touchedDirs.add(dirname(abs));
    result.written++;
  };
  // A skill directory renamed into place moved from the role directory into skills/: both need their flush.
  if (plan.writes.length && (await writeFiles(plan, barrier, devices, deps.clock.now(), record))) touchedDirs.add(plan.dir).add(join(plan.dir, 'skills'));
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
  // 6. Make renames and unlinks durable, then put the manifest in place last. The new manifest is staged
  //    first, so one flush (a shared syncfs for a batch; its fsync beside the directory fsyncs otherwise)
  //    covers the renames and the manifest's bytes.
  if (plan.manifest && plan.manifestChanged) {
    const manifest = finalManifest(plan, landed);
    const staged = await guard(plan, MANIFEST_FILE, () => stageFile(manifestPath(plan.dir), serializeManifest(manifest), 0o600));
    try {
      if (barrier && (await flushDevices(barrier, devices))) closeStaged(staged);
      else await settleAll([fsyncStaged(staged), ...[...touchedDirs].map((d) => syncDir(d))]);
      await guard(plan, MANIFEST_FILE, () => publishStaged(staged));
      if (deps.manifests) rememberWrittenManifest(deps.manifests, plan.dir, manifest, lstatSync(manifestPath(plan.dir)));
    } catch (err) {
      discardStaged([staged]);
      throw err;
    }
  } else {
    if (!barrier || !(await flushDevices(barrier, devices))) await settleAll([...touchedDirs].map((d) => syncDir(d)));
    if (!plan.manifest) await guard(plan, MANIFEST_FILE, async () => removeManifest(plan));
  }
  result.backups = session.count;
  result.backupDir = session.path;
  return result;
}

/**
 * Stage one desired file and say what md5 it holds (`at`: its place inside a staged directory). A copy is made by
 * the kernel from its source; its md5 is the registry's when the source, after the copy, still has the stamp
 * that md5 was taken at and is past the racy window; otherwise the staged copy is read back and hashed, so the
 * manifest records what landed (and a source changed mid-flight shows as sourceChanged).
 */
async function stageDesired(abs: string, file: DesiredFile, now: number, at?: string): Promise<{ f: StagedFile; md5: string }> {
  if (file.source.kind === 'bytes') return { f: await stageFile(abs, file.source.bytes, file.mode, at), md5: file.md5 };
  const f = await stageCopy(abs, file.source.from, file.mode, at);
  try {
    const st = statSync(file.source.from);
    const trusted = file.source.stamp && sameStamp(file.source.stamp, st) && f.size === st.size && !isRacy(st, now);
    return { f, md5: trusted ? file.md5 : md5Bytes(readFileSync(f.tmp)) };
  } catch (err) {
    discardStaged([f]);
    throw err;
  }
}

/**
 * A skill directory that does not exist yet, staged whole under a temp name in the role directory (not in
 * skills/, where Kimi would discover the half-made skill) and renamed into place once.
 */
interface FreshDir {
  /** Role-relative path (`skills/<name>`). */
  rel: string;
  /** Its staged (temp) directory, once made. */
  tmp?: string;
  published?: boolean;
}

/**
 * The skill directories the plan creates from nothing: absent on disk now (under the lock), and every file the
 * next manifest holds below them is a write of this plan. Each is staged whole: one rename publishes the skill
 * (where a file at a time cost a rename per file, two thirds of a cold sync's renames).
 */
function freshSkillDirs(plan: Plan): Map<string, FreshDir> {
  if (unstageable.has(plan.dir)) return new Map();
  const writes = new Map<string, number>();
  const existing = new Set<string>();
  for (const w of plan.writes) {
    const top = skillDirOf(w.file.path);
    if (!top) continue;
    writes.set(top, (writes.get(top) ?? 0) + 1);
    // A file that was there at planning: its directory exists (and an edit needs no look at skills/).
    if (!wasMissing(w)) existing.add(top);
  }
  for (const top of existing) writes.delete(top);
  const fresh = new Map<string, FreshDir>();
  if (!writes.size || !plan.manifest) return fresh;
  const owned = new Map<string, number>();
  for (const e of plan.manifest.entries) {
    const top = skillDirOf(e.path);
    if (top && writes.has(top)) owned.set(top, (owned.get(top) ?? 0) + 1);
  }
  const present = skillsEntries(plan.dir);
  if (present) for (const [top, n] of writes) if (owned.get(top) === n && !present.has(top.slice(SKILLS_PREFIX.length))) fresh.set(top, { rel: top });
  return fresh;
}

/**
 * Role directories whose staged skill directory could not be renamed into skills/ (EXDEV: skills/ is another
 * mount, e.g. a bind mount of the same filesystem, which a device check cannot tell). That apply fails; the
 * role's next one, and every later one in this process, writes skills file by file.
 */
const unstageable = new Set<string>();

/**
 * Names in the role's skills/ now (one readdir rather than a stat per skill); empty when skills/ is absent,
 * undefined when it is not a real directory (nothing is staged through a symlink) or is another filesystem
 * than the role directory, where skills are staged (a mount point: rename across it fails with EXDEV).
 */
function skillsEntries(roleDir: string): Set<string> | undefined {
  const st = lstatSync(`${roleDir}/skills`, { throwIfNoEntry: false });
  if (!st) return new Set();
  if (!st.isDirectory() || st.dev !== statSync(roleDir).dev) return undefined;
  return new Set(readdirSync(`${roleDir}/skills`));
}

/** True when the plan writes a file that was missing (checked again under the lock); otherwise the file, and so its directory, is there. */
function wasMissing(w: Plan['writes'][number]): boolean {
  return w.reason === 'create' || w.reason === 'restore';
}

/** `skills/<name>` for a path below a skill directory; undefined otherwise. */
function skillDirOf(path: string): string | undefined {
  const name = skillOfFile(path);
  return name === undefined ? undefined : SKILLS_PREFIX + name;
}

/**
 * Write the plan's files: stage every temp file, make them durable together, then rename them all into
 * place. Durable means one shared syncfs round with `barrier` (a large batch), otherwise an fsync of each
 * staged file in parallel; either way the write intent manifest, already in place, is made durable in the
 * same step. Nothing is renamed before all of it is durable; on any error the staged temp files are removed.
 * New skill directories are staged whole (freshSkillDirs) and renamed once each; returns how many.
 */
async function writeFiles(plan: Plan, barrier: SyncBarrier | undefined, devices: Map<number, string>, now: number, record: (w: Plan['writes'][number], abs: string, e: Omit<ManifestEntry, 'path'>, inStagedDir: boolean) => void): Promise<number> {
  const staged: { w: Plan['writes'][number]; f: StagedFile; md5: string; dir?: FreshDir }[] = [];
  const fresh = freshSkillDirs(plan);
  const stagedDirs: string[] = [];
  try {
    await makeParentDirs(plan, fresh, stagedDirs);
    for (let i = 0; i < plan.writes.length; i += STAGE_CHUNK) {
      const chunk = await settleAll(
        plan.writes.slice(i, i + STAGE_CHUNK).map((w) =>
          guard(plan, w.file.path, async () => {
            const dir = fresh.get(skillDirOf(w.file.path) ?? '');
            const at = dir ? dir.tmp + w.file.path.slice(dir.rel.length) : undefined;
            const item = await stageDesired(join(plan.dir, w.file.path), w.file, now, at);
            const entry = { w, ...item, dir };
            staged.push(entry);
            return entry;
          }),
        ),
      );
      // A path on each file's filesystem that stays there through the apply: the role directory for a file
      // staged in it (or in a staged skill directory), otherwise the file's own directory.
      for (const { f, dir } of chunk) if (!devices.has(f.dev)) devices.set(f.dev, dir ? plan.dir : dirname(f.path));
      if (barrier && (await flushDevices(barrier, devices))) for (const { f } of chunk) closeStaged(f);
      else {
        // fsync each file, and the write intent (in place, not yet flushed) with its directory; before the
        // first rename, the staged directories too (their entries are what their rename publishes).
        const intent = i === 0 && plan.manifest ? [fsyncPath(manifestPath(plan.dir)), syncDir(plan.dir)] : [];
        const dirs = i + STAGE_CHUNK >= plan.writes.length ? [...stagedDirs, ...(fresh.size ? [join(plan.dir, 'skills')] : [])].map((d) => syncDir(d)) : [];
        await settleAll([...intent, ...dirs, ...chunk.map(({ w, f }) => guard(plan, w.file.path, () => fsyncStaged(f)))]);
      }
    }
    await settleAll([
      ...staged.filter((s) => !s.dir).map(({ w, f }) => guard(plan, w.file.path, () => publishStaged(f))),
      ...[...fresh.values()].map((d) =>
        guard(plan, d.rel, async () => {
          try {
            await publishStagedDir(d.tmp!, join(plan.dir, d.rel));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'EXDEV') unstageable.add(plan.dir);
            throw err;
          }
          d.published = true;
        }),
      ),
    ]);
    for (const { w, f, md5, dir } of staged) record(w, f.path, { md5, size: f.size, mode: w.file.mode, mtimeMs: f.mtimeMs }, dir !== undefined);
    return fresh.size;
  } catch (err) {
    discardStaged(staged.filter((s) => !s.dir?.published).map((s) => s.f));
    for (const d of fresh.values()) if (d.tmp && !d.published) discardStagedDir(d.tmp);
    throw err;
  }
}

/**
 * Create the directories the plan's files go into, parents first, once each (a cold role has a hundred; letting
 * each first write fail and retry cost two thread-pool round trips per directory), and the staged directories
 * of `fresh` with the directories inside them (their paths are pushed to `made`). Observe already refused
 * paths with a symlink or file in the way, and nothing here follows one: mkdir never does.
 */
async function makeParentDirs(plan: Plan, fresh: Map<string, FreshDir>, made: string[]): Promise<void> {
  const dirs = new Set<string>();
  const inside = new Map<FreshDir, Set<string>>();
  for (const w of plan.writes) {
    const dir = fresh.get(skillDirOf(w.file.path) ?? '');
    // A file that is there (as checked under the lock) has its directories: an edit makes none. Were one
    // removed since, the staged file's creation makes it (createTemp).
    if (!dir && !wasMissing(w)) continue;
    const rel = dir ? w.file.path.slice(dir.rel.length + 1) : w.file.path;
    const into = dir ? (inside.get(dir) ?? inside.set(dir, new Set()).get(dir)!) : dirs;
    for (let d = dirname(rel); d !== '.' && !into.has(d); d = dirname(d)) into.add(d);
  }
  if (fresh.size) dirs.add('skills');
  if (!dirs.size && !fresh.size) return;
  mkdirSync(plan.dir, { recursive: true });
  await makeDirsByDepth(plan, plan.dir, dirs);
  await settleAll(
    [...fresh.values()].map((d) =>
      guard(plan, d.rel, async () => {
        d.tmp = await stageDir(plan.dir, `skill-${d.rel.slice(SKILLS_PREFIX.length)}`);
        made.push(d.tmp);
      }),
    ),
  );
  const nested = [...inside].flatMap(([d, rels]) => [...rels].map((rel) => `${d.tmp!}/${rel}`));
  made.push(...nested);
  await makeDirsByDepth(plan, '', new Set(nested));
}

/** mkdir each of `dirs` (relative to `base`, or absolute with base ''), depth by depth (parents first); an existing one is fine. */
async function makeDirsByDepth(plan: Plan, base: string, dirs: Set<string>): Promise<void> {
  const make = async (d: string) => {
    const path = base ? `${base}/${d}` : d;
    try {
      await mkdirAsync(path, { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new ApplyError(plan.role, path, { cause: err });
    }
  };
  // The directories of one depth are created together on the thread pool, where their inode allocation
  // overlaps the event loop's work.
  const byDepth = new Map<number, string[]>();
  for (const d of dirs) {
    const depth = d.split('/').length;
    const level = byDepth.get(depth);
    if (level) level.push(d);
    else byDepth.set(depth, [d]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) await settleAll(byDepth.get(depth)!.map(make));
}

/** Promise.all that waits for every promise before rejecting with the first error (nothing left running behind a cleanup). */
async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * syncfs through the barrier of every filesystem in `devices` (device → a path on it; usually one); false when
 * syncfs is not usable here (the caller then fsyncs one by one, which covers every filesystem).
 */
async function flushDevices(barrier: SyncBarrier, devices: ReadonlyMap<number, string>): Promise<boolean> {
  if (!devices.size) return false;
  try {
    await Promise.all([...devices].map(([dev, path]) => barrier.flush(dev, path)));
    return true;
  } catch (err) {
    if (err instanceof SyncfsUnavailable) return false;
    throw err;
  }
}

/** The role directory's filesystem, and skills/'s when it is another one (device → a path on it). */
function roleDevices(roleDir: string): Map<number, string> {
  const devices = new Map<number, string>();
  const role = statSync(roleDir, { throwIfNoEntry: false });
  if (!role) return devices; // a new role: created on the filesystem of its parent, found by writeFiles
  devices.set(role.dev, roleDir);
  const skills = statSync(`${roleDir}/skills`, { throwIfNoEntry: false });
  if (skills && !devices.has(skills.dev)) devices.set(skills.dev, `${roleDir}/skills`);
  return devices;
}

/**
 * The previous manifest plus, for every path about to be written, the md5 of the bytes being written. Put in
 * place but not flushed: writeFiles makes it durable with the staged files, before any of them is renamed.
 */
async function writeIntent(plan: Plan): Promise<void> {
  const entries = new Map(plan.previous?.entries.map((e) => [e.path, { ...e }]) ?? []);
  for (const w of plan.writes) {
    const entry = entries.get(w.file.path) ?? { path: w.file.path, md5: '', size: -1, mode: w.file.mode, mtimeMs: 0 };
    // Bytes on disk that are ours become the recorded md5, so a crash after a crash still recognises them.
    entries.set(w.file.path, { ...entry, md5: w.ours ?? entry.md5, pendingMd5: w.file.md5 });
  }
  const base = plan.previous ?? { version: 1 as const, role: plan.role, revision: '' };
  const text = serializeManifest({ ...base, entries: [...entries.values()] });
  await publishStaged(await stageFile(manifestPath(plan.dir), text, 0o600));
}

/** The manifest after apply: the plan's, with what actually landed for each written file. */
function finalManifest(plan: Plan, landed: Map<string, ManifestEntry>): Manifest {
  return { ...plan.manifest!, entries: plan.manifest!.entries.map((e) => landed.get(e.path) ?? e) };
}

/** A deleted role: the manifest goes, then the skills/ we created and the role dir if they are empty. */
function removeManifest(plan: Plan): void {
  ignoreCode('ENOENT', () => unlinkSync(manifestPath(plan.dir)));
  // Both only succeed when empty: the skills/ we created and the role dir go, anything of the user's stays.
  ignoreCode('*', () => rmdirSync(join(plan.dir, 'skills')));
  ignoreCode('*', () => rmdirSync(plan.dir));
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

/**
 * Remove leftover temp files and staged directories of an interrupted write (names only our atomic-write helper
 * produces: a staged directory was made exclusively under such a name and holds only what apply copied in).
 */
export async function sweepTempFiles(dir: string, rels: readonly string[]): Promise<number> {
  let removed = 0;
  for (const rel of rels) {
    const abs = join(dir, rel);
    ignoreCode('ENOENT', () => {
      if (lstatSync(abs).isDirectory()) rmSync(abs, { recursive: true });
      else unlinkSync(abs);
      removed++;
    });
  }
  return removed;
}
