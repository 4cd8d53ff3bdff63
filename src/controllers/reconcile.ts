/** reconcile(role): read desired and observed state, render, plan, apply. Level-triggered: it never asks what woke it. */
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, type Stats, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { type Paths, statePaths } from '../config.ts';
import type { PresetResolver } from '../desired/preset-resolver.ts';
import { ROLE_NAME_RE, type StoreData } from '../desired/schema.ts';
import { InputError, RoleDirConflictError } from '../errors.ts';
import { withFileLock } from '../fs/file-lock.ts';
import type { SyncBarrier } from '../fs/syncfs.ts';
import { sweepTemps } from '../fs/temp-sweep.ts';
import type { Logger } from '../log.ts';
import { type FileStamp, md5FileSync, sameStamp } from '../observed/digest.ts';
import { isManifestOf, MANIFEST_FILE, type ManifestCache, manifestPath, readManifest } from '../observed/manifest.ts';
import { refreshSkills, registryProblem } from '../observed/registry.ts';
import type { RegistryIndex, RegistryState } from '../observed/registry-types.ts';
import {
  isSameFile,
  listStraySkillEntries,
  observeRoleFiles,
  parentsAreDirs,
  readSkillsListing,
} from '../observed/role-dir.ts';
import { entriesByPath, type Manifest, type ObservedFile, skillsEntryOf } from '../observed/role-files.ts';
import type { RoleObservations } from '../observed/role-observations.ts';
import type { McpServer } from '../observed/services.ts';
import { type ApplyResult, applyPlan } from './apply.ts';
import type { DesiredRole } from './artifacts.ts';
import { DEFAULT_RETENTION, pruneBackups, type RetentionRule } from './backup-retention.ts';
import { driftHolds, type Hold, holdUnjustified } from './holds.ts';
import { type Plan, planRole } from './plan.ts';
import type { RenderMemo } from './render/memo.ts';
import { renderRole } from './render/role.ts';
import { readRenderInput } from './render-input.ts';

/** Side effects and shared observed state a reconcile reads. */
export interface ReconcileDeps {
  paths: Paths;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  log: Logger;
  registry: RegistryState;
  /** The desired state in force (last valid store). */
  store: () => StoreData;
  /** The MCP services in force (last valid services.json). */
  services: () => Readonly<Record<string, McpServer>>;
  /** services.json's problem, and whether a valid catalog is in force (default: valid). */
  servicesState?: () => { error?: string; valid: boolean };
  /** Shared syncfs for large write batches (one per process); without it every file is fsynced. */
  barrier?: SyncBarrier;
  /** Each role's last render, reused while its inputs are the same (one per process). */
  renders?: RenderMemo;
  /** Parsed manifests reused while their file is unchanged (one per process). */
  manifests?: ManifestCache;
  /** Each role's last observation, reused where no watcher event says it changed (the daemon only). */
  observations?: RoleObservations;
  /** Backup retention applied after an apply that made backups (default: DEFAULT_RETENTION). */
  retention?: RetentionRule;
  /**
   * Called under the role lock before writing: brings the store in force up to date when store.json changed since
   * it was read, and resolves true if it did. Another process (rollback, role rm) changes the store and the role's
   * files under this lock; a plan made from the older store must not undo that.
   */
  refreshStore?: () => Promise<boolean>;
  /** Preset lookups (one per process); without it, presets are read from HERO_TEAM_HOME/presets and the built-ins. */
  presets?: PresetResolver;
}

/** Options of one reconcile. */
export interface ReconcileOptions {
  dryRun?: boolean;
  /** Remove leftover temp files of an interrupted write first (once per process and role). */
  sweepTemps?: boolean;
  /** Prune skills that vanished from the registry even when most of the role's skills vanished at once. */
  pruneVanished?: boolean;
}

/** What one reconcile saw and did. */
export interface ReconcileOutcome {
  role: string;
  reconcileId: string;
  /** converged: the role exists and its directory matches; deleted: its files were pruned; absent: nothing to do. */
  kind: 'converged' | 'deleted' | 'absent';
  generation?: number;
  desired?: DesiredRole;
  plan?: Plan;
  result?: ApplyResult;
  /** Skills of the role with their registry digest; stale when the copy is not current. */
  skills: { name: string; md5?: string; stale: boolean }[];
  /** Desired changes deliberately not made (the role is then not converged). */
  holds?: Hold[];
  durationMs: number;
}

/** How long a reconcile waits for another process (a `sync` beside the daemon) converging the same role. */
const ROLE_LOCK = { timeoutMs: 60_000, staleMs: 600_000 };

/** What a reconcile read and planned, before it writes anything. */
interface Prepared {
  base: Omit<ReconcileOutcome, 'kind' | 'durationMs' | 'result'>;
  kind: ReconcileOutcome['kind'];
  plan?: Plan;
  /** The manifest file as it was when read (undefined: there was none). */
  manifestStamp?: FileStamp;
  /** What was on disk at each path the plan covers, when observed. */
  observed?: ReadonlyMap<string, ObservedFile>;
  started: number;
  /** The store in force when it was prepared (the store holder keeps the same object while the content is the same). */
  store: StoreData;
  /** The manifest records temps of an apply that did not finish (failed or interrupted): sweep them under the lock. */
  pendingTemps?: boolean;
  /** Milliseconds spent in each step so far (logged with the outcome: where a slow reconcile spent its time). */
  phases: Record<string, number>;
  log: Logger;
}

/** Add the time since the last mark to `phases[name]`; returns now. */
function mark(phases: Record<string, number>, name: string, since: number): number {
  const now = performance.now();
  phases[name] = Math.round(((phases[name] ?? 0) + now - since) * 100) / 100;
  return now;
}

/**
 * Converge one role directory to the desired state; throws InvalidSpecError for an unrenderable spec.
 *
 * One writer per role across processes: writes happen under the role's lock file. Reading is optimistic: the
 * role is observed and planned first without the lock, and a role that is already converged (the common case:
 * a resync, the echo of our own writes) is done without taking it. Otherwise the lock is taken and the plan is
 * reused only if nothing it rests on moved meanwhile: the manifest still has the stamp it had when read (every
 * writer replaces it: the write intent before its first file, the final record after its last, so no other
 * writer touched the role since), and every file the plan overwrites or deletes is still as observed (a hand
 * edit while we waited for the lock is backed up, not lost). Else the role is observed and planned again.
 */
export async function reconcileRole(
  name: string,
  deps: ReconcileDeps,
  opts: ReconcileOptions = {},
): Promise<ReconcileOutcome> {
  // The name becomes a path: nothing but a valid role name may reach join().
  if (!ROLE_NAME_RE.test(name)) throw new InputError('ROLE', `invalid role name "${name}"`);
  refuseLinkedRoleDir(name, join(deps.paths.rolesDir, name));
  if (opts.dryRun) return finish(await prepare(name, deps, opts));
  if (!opts.sweepTemps) {
    const probe = await prepare(name, deps, opts);
    if (probe.pendingTemps)
      return withRoleLock(name, deps, async () =>
        applyPrepared(await prepare(name, deps, { ...opts, sweepTemps: true }), deps),
      );
    if (isConverged(probe)) {
      const outcome = finish(probe, { written: 0, deleted: 0, backups: 0, sourceChanged: [] });
      probe.log.debug({ durationMs: outcome.durationMs, locked: false }, 'no change');
      return outcome;
    }
    const waited = performance.now();
    return withRoleLock(name, deps, async () => {
      mark(probe.phases, 'lock', waited);
      // The plan stands only if it was made from the store now in force (store.json may have changed meanwhile,
      // e.g. by a rollback under this lock) and nothing it rests on moved.
      await deps.refreshStore?.();
      if (probe.store === deps.store() && planStillHolds(probe)) return applyPrepared(probe, deps);
      probe.log.debug('the role changed before its lock was taken: planning again');
      const fresh = await prepare(name, deps, opts);
      return applyPrepared(fresh, deps);
    });
  }
  return withRoleLock(name, deps, async () => {
    await deps.refreshStore?.();
    return applyPrepared(await prepare(name, deps, opts), deps);
  });
}

/**
 * Remove the files an interrupted apply set aside, when they hold bytes we wrote for the path they were set
 * aside from (its recorded or announced md5); anything else stays where it is, its bytes kept.
 */
function sweepAsides(dir: string, manifest: Manifest): number {
  const entries = entriesByPath(manifest);
  let removed = 0;
  for (const rel of manifest.asides ?? []) {
    const cut = rel.lastIndexOf('/');
    const name = rel.slice(cut + 1).match(/^\.(.+)\.hero-tmp-\d+-[0-9a-f]{8}$/)?.[1];
    const entry = name && entries.get(`${rel.slice(0, cut + 1)}${name}`);
    if (!entry) continue;
    const abs = join(dir, rel);
    try {
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isFile() || !parentsAreDirs(dir, rel, new Map())) continue;
      const md5 = md5FileSync(abs, st.size);
      if (md5 !== entry.md5 && md5 !== entry.pendingMd5) continue;
      unlinkSync(abs);
      removed++;
    } catch {
      // unreadable or gone: left alone
    }
  }
  return removed;
}

/** One rule everywhere (sync, the daemon, a deleted role): a role directory that is a symlink is a conflict. */
function refuseLinkedRoleDir(name: string, dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st && !st.isDirectory())
    throw new RoleDirConflictError(name, dir, st.isSymbolicLink() ? 'is a symlink' : 'is not a directory');
}

function withRoleLock<T>(name: string, deps: ReconcileDeps, fn: () => Promise<T>): Promise<T> {
  return withRoleDirLock(deps.paths.home, name, fn);
}

/** Run `fn` holding role `name`'s lock: the one writer of its directory at a time, across processes. */
export function withRoleDirLock<T>(home: string, name: string, fn: () => Promise<T>): Promise<T> {
  const locks = join(home, 'locks');
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  return withFileLock(join(locks, `${name}.lock`), fn, ROLE_LOCK);
}

/** Nothing to write, delete or record, and the role's skills/ directory exists (apply would create it). */
function isConverged(p: Prepared): boolean {
  if (p.kind === 'absent') return true;
  const plan = p.plan!;
  if (plan.writes.length || plan.deletes.length || plan.manifestChanged) return false;
  return !plan.manifest || !!lstatSync(join(plan.dir, 'skills'), { throwIfNoEntry: false })?.isDirectory();
}

/** The manifest is still the file the plan was made from (or still absent), and so is every file the plan touches. */
function planStillHolds(p: Prepared): boolean {
  if (!p.plan || !p.observed) return false;
  const now = lstatSync(manifestPath(p.plan.dir), { throwIfNoEntry: false });
  if (now && p.manifestStamp ? !sameStamp(now, p.manifestStamp) : now || p.manifestStamp) return false;
  // lstat follows links on the way: a directory above a touched path replaced by a symlink must be seen too.
  const dirs = new Map<string, boolean>();
  return touchedPaths(p.plan).every((path) => {
    const seen = p.observed!.get(path);
    if (seen?.kind !== 'other' && !parentsAreDirs(p.plan!.dir, path, dirs)) return false;
    return sameObservation(seen, lstatSync(join(p.plan!.dir, path), { throwIfNoEntry: false }));
  });
}

/** A path still looks as observed: still missing, or the same regular file by size, mtime and mode (what observe trusts). */
function sameObservation(seen: ObservedFile | undefined, st: Stats | undefined): boolean {
  if (!seen || seen.kind === 'missing') return !st;
  return seen.kind === 'file' && !!st && isSameFile(st, seen);
}

async function applyPrepared(p: Prepared, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  if (p.kind === 'absent') return finish(p);
  const plan = p.plan!;
  const applying = performance.now();
  let result: ApplyResult;
  try {
    result = await applyPlan(plan, {
      backupsDir: statePaths(deps.paths.home).backups,
      clock: deps.clock,
      generation: p.base.generation,
      barrier: deps.barrier,
      manifests: deps.manifests,
    });
  } finally {
    // What apply touched (even partly, on a failure) is observed afresh next time; its events come later.
    deps.observations?.wrote(plan.dir, touchedPaths(plan));
  }
  if (result.backups) applyRetention(plan.role, deps, p.log);
  mark(p.phases, 'apply', applying);
  const outcome = finish(p, result);
  if (result.written || result.deleted || result.backups) {
    p.log.info(
      {
        written: result.written,
        deleted: result.deleted,
        backups: result.backups,
        drift: plan.drift.length,
        durationMs: outcome.durationMs,
        phasesMs: p.phases,
      },
      'reconciled',
    );
  } else p.log.debug({ durationMs: outcome.durationMs }, 'no change');
  return outcome;
}

/** Drop old backups of the role per the retention rule; a failure only warns (the backups stay). */
function applyRetention(role: string, deps: ReconcileDeps, log: Logger): void {
  try {
    const dropped = pruneBackups(
      statePaths(deps.paths.home).backups,
      role,
      deps.retention ?? DEFAULT_RETENTION,
      deps.clock,
    );
    if (dropped.length) log.info({ dropped: dropped.length }, 'old backups removed by the retention rule');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'backup retention not applied');
  }
}

function finish(p: Prepared, result?: ApplyResult): ReconcileOutcome {
  return { ...p.base, kind: p.kind, ...(result ? { result } : {}), durationMs: performance.now() - p.started };
}

/** Read desired and observed state and plan (pure steps and reads only; the temp sweep when asked, under the lock). */
async function prepare(name: string, deps: ReconcileDeps, opts: ReconcileOptions): Promise<Prepared> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let t = started;
  const reconcileId = randomBytes(4).toString('hex');
  const log = deps.log.child({ role: name, reconcileId });
  const dir = join(deps.paths.rolesDir, name);
  const store = deps.store();
  const spec = store.roles.find((r) => r.name === name);
  // 1. Read observed state: manifest and leftovers of an interrupted run.
  const manifestRead = await readManifest(dir, deps.manifests);
  if (manifestRead.state === 'corrupt')
    log.warn({ error: manifestRead.error }, 'manifest unreadable: treating every file as not ours');
  let manifest = manifestRead.state === 'ok' ? manifestRead.manifest : null;
  if (manifest && manifest.role !== name) {
    // A copied or renamed role dir (dev → dev.bak): its files are not ours at this path, never prune them.
    log.warn({ manifestRole: manifest.role }, 'manifest belongs to another role: treating every file here as not ours');
    manifest = null;
  }
  if (opts.sweepTemps && !opts.dryRun) {
    // Only temps the write intent recorded, and manifest temps that are this role's manifest, are ours.
    const swept =
      sweepTemps(dir, manifest?.temps ?? [], MANIFEST_FILE, (text) => isManifestOf(text, name)) +
      (manifest ? sweepAsides(dir, manifest) : 0);
    if (swept) log.info({ swept }, 'removed temp files of an interrupted write');
  }
  const manifestStamp = manifestRead.state === 'absent' ? undefined : manifestRead.stamp;
  t = mark(phases, 'read', t);
  if (!spec && !manifest)
    return {
      base: { role: name, reconcileId, skills: [], holds: [] },
      kind: 'absent',
      manifestStamp,
      store,
      started,
      phases,
      log,
    };
  // 2. Render the desired state (pure) from fresh inputs.
  let desired: DesiredRole | null = null;
  if (spec) {
    await refreshSkills(deps.registry, spec.skills, deps.registry.cache, deps.registry.freshness);
    const { home, rolesDir } = deps.paths;
    const input = await readRenderInput(spec, {
      store,
      index: deps.registry.index,
      services: deps.services(),
      home,
      rolesDir,
      env: deps.env,
      presets: deps.presets,
    });
    desired = deps.renders ? deps.renders.render(input, store.catalog) : renderRole(input);
  } else {
    deps.renders?.forget(name);
  }
  let holds: Hold[] = [];
  if (desired) {
    const inputs = {
      registryProblem: () => registryProblem(deps.registry.index.root),
      services: deps.servicesState?.() ?? { valid: true },
      pruneVanished: opts.pruneVanished,
    };
    ({ desired, holds } = holdUnjustified(desired, manifest, spec!.mcp.length > 0, inputs));
  }
  t = mark(phases, 'render', t);
  // 3. Observe exactly the files that matter, then plan (pure).
  const { paths, ownedTop } = pathsOf(desired, manifest);
  const listing = readSkillsListing(dir);
  const prior = deps.observations?.prior(dir);
  const reused = new Set<string>();
  const observed = await observeRoleFiles(dir, paths, manifest, listing, prior, reused);
  t = mark(phases, 'observe', t);
  const strays = desired ? listStraySkillEntries(listing, ownedTop) : [];
  const planInput = {
    role: name,
    dir,
    desired,
    manifest,
    observed,
    driftPolicy: spec?.driftPolicy ?? 'revert',
    strays,
  } as const;
  let plan = planRole(planInput);
  // Nothing is written, deleted or backed up on the word of a reused observation: look at those paths now.
  // planRole decides each path on its own, so after that the plan touches no reused path; should that ever
  // not hold, everything is looked at.
  const touchesReused = () => touchedPaths(plan).filter((p) => reused.has(p));
  const lookAgain = async (at: Iterable<string>) => {
    for (const [p, o] of await observeRoleFiles(dir, at, manifest, listing)) {
      observed.set(p, o);
      reused.delete(p);
    }
    plan = planRole(planInput);
  };
  if (touchesReused().length) await lookAgain(touchesReused());
  if (touchesReused().length) await lookAgain(paths);
  if (prior) deps.observations!.record(dir, observed, prior);
  const skills = skillStates(spec?.skills ?? [], deps.registry.index, desired);
  for (const name of desired?.invalidSkills ?? []) {
    log.debug(
      { skill: name, reason: deps.registry.index.invalid.get(name)?.reason },
      'invalid registry skill: last good copy kept',
    );
  }
  for (const name of desired?.missingSkills ?? []) log.debug({ skill: name }, 'whitelisted skill not in the registry');
  holds.push(...driftHolds(plan, desired));
  for (const hold of holds) log.debug({ reason: hold.reason }, hold.message);
  const base = {
    role: name,
    reconcileId,
    generation: spec?.generation,
    desired: desired ?? undefined,
    plan,
    skills,
    holds,
  };
  mark(phases, 'plan', t);
  const pendingTemps = !opts.sweepTemps && !!(manifest?.temps?.length || manifest?.asides?.length);
  return {
    base,
    kind: spec ? 'converged' : 'deleted',
    plan,
    manifestStamp,
    observed,
    store,
    started,
    phases,
    log,
    pendingTemps,
  };
}

/** Paths a plan writes or deletes (backups are taken of those same paths). */
function touchedPaths(plan: Plan): string[] {
  return [...plan.writes.map((w) => w.file.path), ...plan.deletes.map((d) => d.path)];
}

/** The paths a reconcile looks at, and the skills/ entries they own, per (render, manifest) pair (both are reused while unchanged). */
const pathSets = new WeakMap<
  DesiredRole,
  { manifest: Manifest | null; paths: ReadonlySet<string>; ownedTop: ReadonlySet<string> }
>();

function pathsOf(
  desired: DesiredRole | null,
  manifest: Manifest | null,
): { paths: ReadonlySet<string>; ownedTop: ReadonlySet<string> } {
  const hit = desired && pathSets.get(desired);
  if (hit && hit.manifest === manifest) return hit;
  const paths = new Set<string>();
  const ownedTop = new Set<string>();
  for (const p of desired?.files ?? []) addPath(p.path, paths, ownedTop);
  for (const e of manifest?.entries ?? []) addPath(e.path, paths, ownedTop);
  if (desired) pathSets.set(desired, { manifest, paths, ownedTop });
  return { paths, ownedTop };
}

/** Add a role-relative path, and its top-level skills/ entry to `ownedTop`. */
function addPath(path: string, paths: Set<string>, ownedTop: Set<string>): void {
  paths.add(path);
  const entry = skillsEntryOf(path);
  if (entry !== undefined) ownedTop.add(entry);
}

function skillStates(
  names: readonly string[],
  index: RegistryIndex,
  desired: DesiredRole | null,
): ReconcileOutcome['skills'] {
  return [...new Set(names)].sort().map((name) => {
    const skill = index.skills.get(name);
    const stale = !skill || !!desired?.invalidSkills.includes(name);
    return { name, md5: skill?.digest, stale };
  });
}
