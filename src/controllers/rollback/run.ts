/**
 * Rollback of a role: under the role's lock, put back every path's original, delete the files hero_team created
 * that still hold our bytes, remove the directories that became empty, drop the manifest, then the role from the
 * store (so neither the daemon nor a sync converges it back). Writes go through the atomic-write helper.
 */
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Paths, statePaths } from '../../config.ts';
import { ROLE_NAME_RE, type StoreData } from '../../desired/schema.ts';
import { readStore, updateStore } from '../../desired/store.ts';
import { HeroTeamError, InputError } from '../../errors.ts';
import { writeFileAtomic } from '../../fs/atomic-write.ts';
import { originalBackups, readBackupIndex, readVerifiedBackup } from '../../observed/backup-index.ts';
import { md5Bytes } from '../../observed/digest.ts';
import { manifestPath, readManifest } from '../../observed/manifest.ts';
import { inspectRolePath, type PathState, roleDirIsReal } from '../../observed/role-path.ts';
import { withRoleDirLock } from '../reconcile.ts';
import { type OriginalCopy, planRollback, type RollbackAction, type RollbackPlan } from './plan.ts';

/** A rollback that cannot start (manifest unreadable or another role's, role dir a link); nothing was changed. */
export class RollbackRefusedError extends HeroTeamError {
  constructor(
    readonly role: string,
    readonly path: string,
    detail: string,
  ) {
    super('ROLLBACK_REFUSED', `role "${role}": rollback refused, nothing changed: ${path}: ${detail}`);
  }
}

/** Options of one rollback. */
export interface RollbackOptions {
  dryRun?: boolean;
  /** Keep the role in the store (the daemon will then converge it again). */
  keepRole?: boolean;
}

/** What a rollback found and did. */
export interface RollbackReport {
  role: string;
  dir: string;
  /** false: there was no manifest, nothing to do. */
  managed: boolean;
  plan?: RollbackPlan;
  /** Per action, what happened (dry-run: what would). */
  done: { action: RollbackAction; result: 'done' | 'skipped'; detail?: string }[];
  /** Empty directories removed, role-relative ('' is the role directory itself). */
  removedDirs: string[];
  /** Whether the store declares the role. */
  declared: boolean;
  /** Whether the role was (dry-run: would be) removed from the store. */
  roleRemoved: boolean;
}

/** Roll back role `name`; `dryRun` reads only (no lock file, no write). */
export async function rollbackRole(paths: Paths, name: string, opts: RollbackOptions = {}): Promise<RollbackReport> {
  if (!ROLE_NAME_RE.test(name)) throw new InputError('ROLE', `invalid role name "${name}"`);
  const dir = join(paths.rolesDir, name);
  // Read first without the lock: a dry run, a role with no manifest and a refusal leave no trace (not even a lock).
  const first = await prepare(paths, name, dir, opts);
  if (opts.dryRun || !first.managed) return first;
  return withRoleDirLock(paths.home, name, async () => {
    const report = await prepare(paths, name, dir, opts);
    if (!report.managed) return report;
    await execute(report, dir);
    if (report.roleRemoved) await removeFromStore(paths, name);
    return report;
  });
}

/** Read the manifest, the backups and each listed path, and plan. */
async function prepare(paths: Paths, name: string, dir: string, opts: RollbackOptions): Promise<RollbackReport> {
  const report: RollbackReport = {
    role: name,
    dir,
    managed: false,
    done: [],
    removedDirs: [],
    declared: false,
    roleRemoved: false,
  };
  const real = roleDirIsReal(dir);
  if (real === undefined) return report;
  if (!real) throw new RollbackRefusedError(name, dir, 'the role directory is a symlink or not a directory');
  const read = await readManifest(dir);
  if (read.state === 'absent') return report;
  if (read.state === 'corrupt')
    throw new RollbackRefusedError(
      name,
      manifestPath(dir),
      `manifest invalid: ${read.error.split('\n').slice(0, 3).join('; ')}`,
    );
  if (read.manifest.role !== name)
    throw new RollbackRefusedError(name, manifestPath(dir), `manifest belongs to role "${read.manifest.role}"`);
  const observed = new Map<string, PathState>(read.manifest.entries.map((e) => [e.path, inspectRolePath(dir, e.path)]));
  const originals = new Map<string, OriginalCopy>();
  for (const [path, entry] of originalBackups(readBackupIndex(statePaths(paths.home).backups, name).entries)) {
    originals.set(path, { entry, verified: readVerifiedBackup(entry) !== undefined });
  }
  report.managed = true;
  report.plan = planRollback({ manifest: read.manifest, observed, originals });
  report.declared = opts.keepRole
    ? storeHasRole(await readStore(statePaths(paths.home).store).catch(() => undefined), name)
    : storeHasRole(await readStoreOrRefuse(paths, name), name);
  report.roleRemoved = !opts.keepRole && report.declared;
  report.done = report.plan.actions.map((action) => ({
    action,
    result: action.kind === 'restore' || action.kind === 'delete' ? 'done' : 'skipped',
  }));
  return report;
}

/** Carry the plan out; each file is checked again right before it is replaced or deleted. */
async function execute(report: RollbackReport, dir: string): Promise<void> {
  for (const item of report.done) {
    const a = item.action;
    if (a.kind !== 'restore' && a.kind !== 'delete') continue;
    const now = inspectRolePath(dir, a.path);
    const expected = a.kind === 'delete' ? a.md5 : a.replacing;
    const stillAsPlanned =
      expected === undefined ? now.kind === 'missing' : now.kind === 'file' && now.md5 === expected;
    if (!stillAsPlanned) {
      item.result = 'skipped';
      item.detail = 'changed while the rollback ran; kept';
      continue;
    }
    if (a.kind === 'delete') unlinkSync(join(dir, a.path));
    else {
      const bytes = readVerifiedBackup(a.from);
      if (!bytes || md5Bytes(bytes) !== a.from.md5) {
        item.result = 'skipped';
        item.detail = `the original backup ${a.from.file} changed while the rollback ran`;
        continue;
      }
      await writeFileAtomic(join(dir, a.path), bytes, a.from.mode ?? (now.kind === 'file' ? now.mode : 0o600));
    }
  }
  unlinkSync(manifestPath(dir));
  report.removedDirs = removeEmptyDirs(
    dir,
    report.plan!.actions.map((a) => a.path),
  );
}

/**
 * Remove directories that are empty now, deepest first: the parents of the listed paths, skills/, and the role
 * directory itself. Only real directories; a non-empty one (the user's) stays.
 */
function removeEmptyDirs(dir: string, paths: readonly string[]): string[] {
  const candidates = new Set<string>(['skills', '']);
  for (const p of paths) for (let d = dirname(p); d !== '.'; d = dirname(d)) candidates.add(d);
  const removed: string[] = [];
  const byDepth = [...candidates].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1));
  for (const rel of byDepth) {
    const abs = rel ? join(dir, rel) : dir;
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st?.isDirectory() || readdirSync(abs).length) continue;
    try {
      rmdirSync(abs);
      removed.push(rel);
    } catch {
      // not empty after all, or not ours to remove: it stays
    }
  }
  return removed;
}

const depth = (rel: string): number => (rel ? rel.split('/').length : 0);

/** The store, read before anything changes: an invalid one would leave the role declared after its files went back. */
async function readStoreOrRefuse(paths: Paths, name: string): Promise<StoreData> {
  const file = statePaths(paths.home).store;
  try {
    return await readStore(file);
  } catch (err) {
    throw new RollbackRefusedError(
      name,
      file,
      `${(err as Error).message}; fix it, or keep the role declared with --keep-role`,
    );
  }
}

function storeHasRole(store: StoreData | undefined, name: string): boolean {
  return !!store?.roles.some((r) => r.name === name);
}

async function removeFromStore(paths: Paths, name: string): Promise<void> {
  const files = statePaths(paths.home);
  await updateStore(files.store, files.storeLock, (data) => ({
    ...data,
    roles: data.roles.filter((r) => r.name !== name),
  }));
}
