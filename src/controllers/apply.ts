/** Apply (the only writer of role directories): backups first, atomic writes, deletes by manifest, manifest last. */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { mkdir as mkdirAsync } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Clock } from '../clock.ts';
import { ApplyError } from '../errors.ts';
import { DurableBatch, settleAll } from '../fs/durable-batch.ts';
import { fsyncPath, syncDir } from '../fs/fsync.ts';
import { DirIdentities, type Expected } from '../fs/place-check.ts';
import { stageCopy, stageFile } from '../fs/stage.ts';
import { discardStagedDir, publishStagedDir, stageDir } from '../fs/staged-dir.ts';
import { closeStaged, discardStaged, fsyncStaged, publishStaged, type StagedFile } from '../fs/staged-file.ts';
import type { SyncBarrier } from '../fs/syncfs.ts';
import { tempPathFor } from '../fs/temp-names.ts';
import { isRacy, md5FileSync, sameStamp } from '../observed/digest.ts';
import {
  MANIFEST_FILE,
  type ManifestCache,
  manifestPath,
  rememberWrittenManifest,
  serializeManifest,
} from '../observed/manifest.ts';
import {
  entriesByPath,
  type Manifest,
  type ManifestEntry,
  SKILLS_PREFIX,
  skillOfFile,
} from '../observed/role-files.ts';
import { expectedOf, isSecretPath, parentRel, RealRoot, Replacer } from './apply-checks.ts';
import type { DesiredFile } from './artifacts.ts';
import { BackupSession } from './backup.ts';
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
  /** Paths left alone because they changed while being replaced (a hand edit landing): the role needs another reconcile. */
  raced?: string[];
}

/** What one apply checks and records as it goes. */
interface ApplyRun {
  dirs: DirIdentities;
  /** Role-relative path → what it must still hold right before it is replaced or removed. */
  expected: Map<string, Expected | undefined>;
  /** Role-relative path → its temp file (absolute), named before the write intent records them. */
  temps: Map<string, string>;
  fresh: Map<string, FreshDir>;
  replacer: Replacer;
  real: RealRoot;
}

/** Execute a plan against the role directory. */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const session = new BackupSession(deps.backupsDir, plan.role, deps.clock, deps.generation);
  const result: ApplyResult = { written: 0, deleted: 0, backups: 0, sourceChanged: [] };
  const touchedDirs = new Set<string>();
  const dirs = new DirIdentities(plan.dir);
  const expected = new Map<string, Expected | undefined>();
  let extraBackups = 0;
  // Bytes found where other bytes were planned for (a hand edit landing mid-apply): a backup of their own.
  const asides = new Map<string, string>();
  const replacer = new Replacer(
    dirs,
    expected,
    async (rel, abs, md5) => {
      await new BackupSession(deps.backupsDir, plan.role, deps.clock).save(
        rel,
        abs,
        { reason: 'modified', md5 },
        isSecretPath(rel),
        { link: true },
      );
      extraBackups++;
    },
    asides,
  );
  const run: ApplyRun = { dirs, expected, temps: new Map(), fresh: new Map(), replacer, real: new RealRoot(plan.dir) };
  // 1. Back up every byte we did not write, before anything is touched (by hard link where it can: an edit
  //    landing on that inode until it is replaced is then in the backup too), and note what each path holds.
  for (const action of [...plan.writes, ...plan.deletes]) {
    const path = 'file' in action ? action.file.path : action.path;
    let kept: Expected | null = null;
    if (action.backup) {
      const secret = 'file' in action ? !!action.file.secret || isSecretPath(path) : isSecretPath(path);
      kept = await guard(plan, path, () => {
        run.dirs.of(parentRel(path));
        return session.save(path, join(plan.dir, path), action.backup!, secret, { link: true, dedupe: true });
      });
    }
    run.expected.set(path, kept ?? expectedOf(action));
  }
  // 2. Record the write intent, so bytes a crash leaves behind are still recognised as ours. It is put in
  //    place unflushed; step 3 makes it durable together with the staged files, before any rename.
  // The filesystems a shared syncfs must cover: the role directory's, skills/ if it is another (a mount point),
  // and any other a staged file turns out to be on (writeFiles adds them).
  const batch = new DurableBatch(deps.barrier, plan.writes.length, plan.dir, [join(plan.dir, 'skills')]);
  if (plan.writes.length) nameTemps(plan, run, asides);
  const manifestTmp = tempPathFor(manifestPath(plan.dir));
  if (plan.writes.length && plan.manifest)
    await guard(plan, MANIFEST_FILE, () => writeIntent(plan, run, manifestTmp, asides));
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
  if (plan.writes.length && (await writeFiles(plan, run, batch, deps.clock.now(), record)))
    touchedDirs.add(plan.dir).add(join(plan.dir, 'skills'));
  // 4. Delete what the manifest says we wrote and is no longer desired, then empty parents.
  for (const d of plan.deletes) {
    const abs = join(plan.dir, d.path);
    if (!(await guard(plan, d.path, () => replacer.remove(d.path)))) continue;
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
    const manifest = finalManifest(plan, landed, replacer.raced);
    const staged = await guard(plan, MANIFEST_FILE, () =>
      stageFile(manifestPath(plan.dir), serializeManifest(manifest), 0o600, manifestTmp),
    );
    try {
      if (await batch.syncfs()) closeStaged(staged);
      else await settleAll([fsyncStaged(staged), ...[...touchedDirs].map((d) => syncDir(d))]);
      await guard(plan, MANIFEST_FILE, () => publishStaged(staged));
      if (deps.manifests)
        rememberWrittenManifest(deps.manifests, plan.dir, manifest, lstatSync(manifestPath(plan.dir)));
    } catch (err) {
      discardStaged([staged]);
      throw err;
    }
  } else {
    if (!(await batch.syncfs())) await settleAll([...touchedDirs].map((d) => syncDir(d)));
    if (!plan.manifest) await guard(plan, MANIFEST_FILE, async () => removeManifest(plan));
  }
  result.backups = session.count + extraBackups;
  result.backupDir = session.path;
  if (replacer.raced.size) result.raced = [...replacer.raced].sort();
  return result;
}

/**
 * Name every temp file and staged directory of the plan before the write intent is written, so the intent
 * records them: a sweep after a crash removes those names and nothing else.
 */
function nameTemps(plan: Plan, run: ApplyRun, asides: Map<string, string>): void {
  for (const a of [...plan.writes, ...plan.deletes]) {
    const path = 'file' in a ? a.file.path : a.path;
    const e = run.expected.get(path);
    if (e && e.kind !== 'missing') asides.set(path, tempPathFor(join(plan.dir, path)));
  }
  run.fresh = freshSkillDirs(plan);
  for (const d of run.fresh.values()) d.at = tempPathFor(join(plan.dir, `skill-${d.rel.slice(7)}`));
  for (const w of plan.writes) {
    if (!run.fresh.has(skillDirOf(w.file.path) ?? ''))
      run.temps.set(w.file.path, tempPathFor(join(plan.dir, w.file.path)));
  }
}

/**
 * Stage one desired file and say what md5 it holds (`at`: its place inside a staged directory). A copy is made by
 * the kernel from its source; its md5 is the registry's when the source, after the copy, still has the stamp
 * that md5 was taken at and is past the racy window; otherwise the staged copy is read back and hashed, so the
 * manifest records what landed (and a source changed mid-flight shows as sourceChanged).
 */
async function stageDesired(
  abs: string,
  file: DesiredFile,
  now: number,
  at?: string,
  hold = false,
): Promise<{ f: StagedFile; md5: string }> {
  if (file.source.kind === 'bytes')
    return { f: await stageFile(abs, file.source.bytes, file.mode, at, hold), md5: file.md5 };
  const f = await stageCopy(abs, file.source.from, file.mode, at, hold);
  try {
    const st = statSync(file.source.from);
    const trusted = file.source.stamp && sameStamp(file.source.stamp, st) && f.size === st.size && !isRacy(st, now);
    return { f, md5: trusted ? file.md5 : md5FileSync(f.tmp, f.size) };
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
  /** The name it is made under (recorded by the write intent first). */
  at?: string;
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
  if (present)
    for (const [top, n] of writes)
      if (owned.get(top) === n && !present.has(top.slice(SKILLS_PREFIX.length))) fresh.set(top, { rel: top });
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
 * place. Durable means one shared syncfs round (a large batch, DurableBatch), otherwise an fsync of each
 * staged file in parallel; either way the write intent manifest, already in place, is made durable in the
 * same step. Nothing is renamed before all of it is durable; on any error the staged temp files are removed.
 * New skill directories are staged whole (freshSkillDirs) and renamed once each; returns how many.
 */
async function writeFiles(
  plan: Plan,
  run: ApplyRun,
  batch: DurableBatch,
  now: number,
  record: (w: Plan['writes'][number], abs: string, e: Omit<ManifestEntry, 'path'>, inStagedDir: boolean) => void,
): Promise<number> {
  const staged: { w: Plan['writes'][number]; f: StagedFile; md5: string; dir?: FreshDir; published?: boolean }[] = [];
  const fresh = run.fresh;
  const stagedDirs: string[] = [];
  try {
    mkdirSync(plan.dir, { recursive: true });
    await makeParentDirs(plan, fresh, stagedDirs);
    for (let i = 0; i < plan.writes.length; i += STAGE_CHUNK) {
      const chunk = await settleAll(
        plan.writes.slice(i, i + STAGE_CHUNK).map((w) =>
          guard(plan, w.file.path, async () => {
            const dir = fresh.get(skillDirOf(w.file.path) ?? '');
            if (!dir) run.dirs.ensure(parentRel(w.file.path)); // no symlink on the way, and the directory noted
            const at = dir ? dir.tmp + w.file.path.slice(dir.rel.length) : run.temps.get(w.file.path);
            const item = await stageDesired(join(plan.dir, w.file.path), w.file, now, at, !dir);
            const entry = { w, ...item, dir };
            staged.push(entry);
            // Beside its target: the temp must live in the directory noted, not wherever a swapped-in symlink leads.
            if (!dir) run.real.verify(item.f);
            return entry;
          }),
        ),
      );
      // A path on each file's filesystem that stays there through the apply: the role directory for a file
      // staged in it (or in a staged skill directory), otherwise the file's own directory.
      for (const { f, dir } of chunk) batch.add(f.dev, dir ? plan.dir : dirname(f.path));
      if (await batch.syncfs()) for (const { f } of chunk) closeStaged(f);
      else {
        // fsync each file, and the write intent (in place, not yet flushed) with its directory; before the
        // first rename, the staged directories too (their entries are what their rename publishes).
        const intent = i === 0 && plan.manifest ? [fsyncPath(manifestPath(plan.dir)), syncDir(plan.dir)] : [];
        const dirs =
          i + STAGE_CHUNK >= plan.writes.length
            ? [...stagedDirs, ...(fresh.size ? [join(plan.dir, 'skills')] : [])].map((d) => syncDir(d))
            : [];
        await settleAll([
          ...intent,
          ...dirs,
          ...chunk.map(({ w, f }) => guard(plan, w.file.path, () => fsyncStaged(f))),
        ]);
      }
    }
    await settleAll([
      ...staged
        .filter((s) => !s.dir)
        .map((s) =>
          guard(plan, s.w.file.path, async () => {
            s.published = await run.replacer.replace(s.f, s.w.file.path);
          }),
        ),
      ...[...fresh.values()].map((d) =>
        guard(plan, d.rel, async () => {
          try {
            await publishStagedDir(d.tmp!, join(plan.dir, d.rel), () => run.dirs.check('skills'));
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'EXDEV') unstageable.add(plan.dir);
            throw err;
          }
          d.published = true;
        }),
      ),
    ]);
    for (const { w, f, md5, dir, published } of staged)
      if (dir || published)
        record(w, f.path, { md5, size: f.size, mode: w.file.mode, mtimeMs: f.mtimeMs }, dir !== undefined);
    return fresh.size;
  } catch (err) {
    discardStaged(staged.filter((s) => (s.dir ? !s.dir.published : !s.published)).map((s) => s.f));
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
        d.tmp = await stageDir(plan.dir, `skill-${d.rel.slice(SKILLS_PREFIX.length)}`, d.at);
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

/**
 * The previous manifest plus, for every path about to be written, the md5 of the bytes being written. Put in
 * place but not flushed: writeFiles makes it durable with the staged files, before any of them is renamed.
 */
async function writeIntent(
  plan: Plan,
  run: ApplyRun,
  manifestTmp: string,
  asides: ReadonlyMap<string, string>,
): Promise<void> {
  const entries = new Map(plan.previous?.entries.map((e) => [e.path, { ...e }]) ?? []);
  for (const w of plan.writes) {
    const entry = entries.get(w.file.path) ?? { path: w.file.path, md5: '', size: -1, mode: w.file.mode, mtimeMs: 0 };
    // Bytes on disk that are ours become the recorded md5, so a crash after a crash still recognises them.
    entries.set(w.file.path, { ...entry, md5: w.ours ?? entry.md5, pendingMd5: w.file.md5 });
  }
  const base = plan.previous ?? { version: 1 as const, role: plan.role, revision: '' };
  const rel = (abs: string) => abs.slice(plan.dir.length + 1);
  const temps = [...run.temps.values(), ...[...run.fresh.values()].map((d) => d.at!), manifestTmp]
    .map(rel)
    .concat(leftoverTemps(plan, 'temps'))
    .sort();
  const text = serializeManifest({
    ...base,
    entries: [...entries.values()],
    temps,
    asides: [...asides.values()].map(rel).concat(leftoverTemps(plan, 'asides')).sort(),
  });
  await publishStaged(await stageFile(manifestPath(plan.dir), text, 0o600));
}

/**
 * The manifest after apply: the plan's, with what actually landed for each written file. A path left alone
 * (raced) keeps its previous record, if it had one: what is there now is judged by the next reconcile.
 */
function finalManifest(plan: Plan, landed: Map<string, ManifestEntry>, raced: ReadonlySet<string>): Manifest {
  const previous = plan.previous ? entriesByPath(plan.previous) : new Map<string, ManifestEntry>();
  const entries: ManifestEntry[] = [];
  for (const e of plan.manifest!.entries) {
    const kept = raced.has(e.path) ? previous.get(e.path) : (landed.get(e.path) ?? e);
    if (kept) entries.push(kept);
  }
  for (const d of plan.deletes) if (raced.has(d.path) && previous.has(d.path)) entries.push(previous.get(d.path)!);
  const temps = leftoverTemps(plan, 'temps');
  const asides = leftoverTemps(plan, 'asides');
  return { ...plan.manifest!, entries, ...(temps.length ? { temps } : {}), ...(asides.length ? { asides } : {}) };
}

/**
 * Temps an earlier apply recorded that are still there (the sweep could not reach them: their directory was
 * swapped at the time): recorded again, so a later sweep removes them.
 */
function leftoverTemps(plan: Plan, kind: 'temps' | 'asides'): string[] {
  return (plan.previous?.[kind] ?? []).filter((rel) => {
    try {
      return !!lstatSync(join(plan.dir, rel), { throwIfNoEntry: false });
    } catch {
      return false;
    }
  });
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
