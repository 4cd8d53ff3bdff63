/**
 * Apply, the only writer of role directories: backups first, the write intent, atomic writes made durable
 * together, deletes by manifest, the manifest last. Each step lives in apply/ (the role's side) and fs/ (the
 * filesystem's: staging, durability, set-aside replace).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { DurableBatch } from '../fs/durable-batch.ts';
import type { Fsync } from '../fs/fsync.ts';
import { DirIdentities } from '../fs/place-check.ts';
import { Replacer } from '../fs/replacer.ts';
import { StagingMemory } from '../fs/staged-dir.ts';
import type { SyncBarrier } from '../fs/syncfs.ts';
import { tempPathFor } from '../fs/temp-names.ts';
import { MANIFEST_FILE, type ManifestCache, manifestPath } from '../observed/manifest.ts';
import { deleteUnwanted } from './apply/deletes.ts';
import { recordFinal } from './apply/final-record.ts';
import { failedAt, guard } from './apply/guard.ts';
import { nameTemps, recordIntent } from './apply/intent.ts';
import { writeFiles } from './apply/write-files.ts';
import { backUpFirst, UnexpectedBackups } from './apply-checks.ts';
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
  /**
   * Where a staged directory could not be renamed into place (one per process), so a retry writes file by file;
   * without it the memory lasts this apply only.
   */
  staging?: StagingMemory;
  /** The fsync of one descriptor (default: the real one). */
  fsync?: Fsync;
}

/** What apply did. */
export interface ApplyResult {
  written: number;
  deleted: number;
  backups: number;
  backupDir?: string;
  /** Source files that changed between render and copy: the role needs another reconcile. */
  sourceChanged: string[];
  /** Paths left alone because they changed while being replaced (a hand edit): the role needs another reconcile. */
  raced?: string[];
}

/** Execute a plan against the role directory; any failure is an ApplyError naming the role and a path. */
export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  try {
    return await applySteps(plan, deps);
  } catch (err) {
    // Each step names the path it failed on; anything else failed on the role directory itself.
    throw failedAt(plan.role, plan.dir, err);
  }
}

async function applySteps(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  const session = new BackupSession(deps.backupsDir, plan.role, deps.clock, deps.generation);
  const dirs = new DirIdentities(plan.dir);
  // 1. Back up every byte we did not write, before anything is touched, and note what each path must still hold.
  const expected = await backUpFirst(plan, session, dirs);
  // 2. Record the write intent, naming every temp first, so what a crash leaves behind is recognised as ours. It
  //    is put in place unflushed: step 3 makes it durable together with the staged files, before any rename (a
  //    plan with no files to write makes it durable at once, before its first file is set aside).
  //    A shared syncfs covers the role directory's filesystem, skills/'s if it is a mount point, and any other a
  //    staged file turns out to be on.
  const batch = new DurableBatch(deps.barrier, plan.writes.length, plan.dir, {
    alsoUnder: [join(plan.dir, 'skills')],
    fsync: deps.fsync,
    failedAt: (path, err) => failedAt(plan.role, path, err),
  });
  const staging = deps.staging ?? new StagingMemory();
  const names = nameTemps(plan, expected, staging);
  const manifestTmp = tempPathFor(manifestPath(plan.dir));
  await guard(plan, MANIFEST_FILE, () => recordIntent(plan, names, manifestTmp, batch));
  // 3. Write desired files atomically (staged, made durable, put in place), recording what actually landed.
  const unexpected = new UnexpectedBackups(deps.backupsDir, plan.role, deps.clock);
  const replacer = new Replacer(dirs, expected, unexpected.save, names.asides);
  const written = await writeFiles(plan, { dirs, names, replacer, batch, staging, clock: deps.clock });
  // 4. Delete what the manifest says we wrote and is no longer desired, then empty parents.
  const deleted = await deleteUnwanted(plan, replacer);
  // 5. A live role always has skills/ (Kimi's --skills-dir needs an existing directory).
  if (plan.manifest)
    await guard(plan, 'skills', async () => void mkdirSync(join(plan.dir, 'skills'), { recursive: true }));
  // 6. Make renames and unlinks durable, then put the manifest in place last.
  await recordFinal(plan, {
    batch,
    touched: new Set([...written.dirs, ...deleted.dirs]),
    landed: written.landed,
    raced: replacer.raced,
    manifestTmp,
    manifests: deps.manifests,
  });
  return {
    written: written.count,
    deleted: deleted.count,
    backups: session.count + unexpected.count,
    sourceChanged: written.sourceChanged,
    backupDir: session.path,
    ...(replacer.raced.size ? { raced: [...replacer.raced].sort() } : {}),
  };
}
