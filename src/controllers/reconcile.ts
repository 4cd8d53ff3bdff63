/** reconcile(role): read desired and observed state, render, plan, apply. Level-triggered: it never asks what woke it. */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { statePaths, type Paths } from '../config.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import { ROLE_NAME_RE, type StoreData } from '../desired/schema.ts';
import { withFileLock } from '../desired/store-lock.ts';
import { InputError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { readManifest, type ManifestCache } from '../observed/manifest.ts';
import { refreshSkills } from '../observed/registry.ts';
import type { RegistryIndex, RegistryState } from '../observed/registry-types.ts';
import { findTempFiles, listStraySkillEntries, observeRoleFiles } from '../observed/role-dir.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import type { McpServer } from '../observed/services.ts';
import { applyPlan, sweepTempFiles, type ApplyResult } from './apply.ts';
import type { SyncBarrier } from './durability.ts';
import type { DesiredRole } from './artifacts.ts';
import { planRole, type Plan } from './plan.ts';
import type { RenderMemo } from './render/memo.ts';
import { renderRole } from './render/role.ts';

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
  /** Shared syncfs for large write batches (one per process); without it every file is fsynced. */
  barrier?: SyncBarrier;
  /** Each role's last render, reused while its inputs are the same (one per process). */
  renders?: RenderMemo;
  /** Parsed manifests reused while their file is unchanged (one per process). */
  manifests?: ManifestCache;
}

/** Options of one reconcile. */
export interface ReconcileOptions {
  dryRun?: boolean;
  /** Remove leftover temp files of an interrupted write first (once per process and role). */
  sweepTemps?: boolean;
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
  durationMs: number;
}

/** How long a reconcile waits for another process (a `sync` beside the daemon) converging the same role. */
const ROLE_LOCK = { timeoutMs: 60_000, staleMs: 600_000 };

/** Converge one role directory to the desired state; throws InvalidSpecError for an unrenderable spec. */
export async function reconcileRole(name: string, deps: ReconcileDeps, opts: ReconcileOptions = {}): Promise<ReconcileOutcome> {
  // The name becomes a path: nothing but a valid role name may reach join().
  if (!ROLE_NAME_RE.test(name)) throw new InputError('ROLE', `invalid role name "${name}"`);
  if (opts.dryRun) return reconcileLocked(name, deps, opts);
  // One writer per role across processes: observe, plan and apply under the role's lock.
  const locks = join(deps.paths.home, 'locks');
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  return withFileLock(join(locks, `${name}.lock`), () => reconcileLocked(name, deps, opts), ROLE_LOCK);
}

async function reconcileLocked(name: string, deps: ReconcileDeps, opts: ReconcileOptions): Promise<ReconcileOutcome> {
  const started = performance.now();
  const reconcileId = randomBytes(4).toString('hex');
  const log = deps.log.child({ role: name, reconcileId });
  const dir = join(deps.paths.rolesDir, name);
  const store = deps.store();
  const spec = store.roles.find((r) => r.name === name);
  // 1. Read observed state: manifest and leftovers of an interrupted run.
  const manifestRead = await readManifest(dir, deps.manifests);
  if (manifestRead.state === 'corrupt') log.warn({ error: manifestRead.error }, 'manifest unreadable: treating every file as not ours');
  let manifest = manifestRead.state === 'ok' ? manifestRead.manifest : null;
  if (manifest && manifest.role !== name) {
    // A copied or renamed role dir (dev → dev.bak): its files are not ours at this path, never prune them.
    log.warn({ manifestRole: manifest.role }, 'manifest belongs to another role: treating every file here as not ours');
    manifest = null;
  }
  if (opts.sweepTemps && !opts.dryRun) {
    // Temp files below the top level exist only if a write intent was recorded and not completed.
    const deep = !manifest || manifest.entries.some((e) => e.pendingMd5 !== undefined);
    const swept = await sweepTempFiles(dir, await findTempFiles(dir, deep));
    if (swept) log.info({ swept }, 'removed temp files of an interrupted write');
  }
  if (!spec && !manifest) return { role: name, reconcileId, kind: 'absent', skills: [], durationMs: performance.now() - started };
  // 2. Render the desired state (pure) from fresh inputs.
  let desired: DesiredRole | null = null;
  if (spec) {
    await refreshSkills(deps.registry.index, spec.skills, deps.registry.cache, deps.registry.freshness);
    const catalog = effectiveCatalog(store.catalog);
    const secrets = await readProviderSecrets(statePaths(deps.paths.home).secrets, deps.env, catalog);
    const input = { role: spec, catalog, rolesDir: deps.paths.rolesDir, index: deps.registry.index, services: deps.services(), secrets };
    desired = deps.renders ? deps.renders.render(input, store.catalog) : renderRole(input);
  } else {
    deps.renders?.forget(name);
  }
  // 3. Observe exactly the files that matter, then plan (pure).
  const paths = new Set([...(desired?.files.map((f) => f.path) ?? []), ...(manifest?.entries.map((e) => e.path) ?? [])]);
  const observed = await observeRoleFiles(dir, paths, manifest);
  const ownedTop = new Set([...paths].filter((p) => p.startsWith('skills/')).map((p) => p.split('/')[1]!));
  const strays = desired ? await listStraySkillEntries(dir, ownedTop) : [];
  const plan = planRole({ role: name, dir, desired, manifest, observed, driftPolicy: spec?.driftPolicy ?? 'revert', strays });
  const skills = skillStates(spec?.skills ?? [], deps.registry.index, desired);
  for (const name of desired?.invalidSkills ?? []) {
    log.warn({ skill: name, reason: deps.registry.index.invalid.get(name)?.reason }, 'invalid registry skill: last good copy kept');
  }
  for (const name of desired?.missingSkills ?? []) log.warn({ skill: name }, 'whitelisted skill not in the registry');
  const base = { role: name, reconcileId, generation: spec?.generation, desired: desired ?? undefined, plan, skills };
  if (opts.dryRun) return { ...base, kind: spec ? 'converged' : 'deleted', durationMs: performance.now() - started };
  // 4. Apply: the only writes.
  const result = await applyPlan(plan, { backupsDir: statePaths(deps.paths.home).backups, clock: deps.clock, barrier: deps.barrier, manifests: deps.manifests });
  const durationMs = performance.now() - started;
  if (result.written || result.deleted || result.backups) {
    log.info({ written: result.written, deleted: result.deleted, backups: result.backups, drift: plan.drift.length, durationMs }, 'reconciled');
  } else log.debug({ durationMs }, 'no change');
  return { ...base, kind: spec ? 'converged' : 'deleted', result, durationMs };
}

function skillStates(names: readonly string[], index: RegistryIndex, desired: DesiredRole | null): ReconcileOutcome['skills'] {
  return [...new Set(names)].sort().map((name) => {
    const skill = index.skills.get(name);
    const stale = !skill || !!desired?.invalidSkills.includes(name);
    return { name, md5: skill?.digest, stale };
  });
}
