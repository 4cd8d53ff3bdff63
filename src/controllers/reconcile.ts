/**
 * reconcile(role): read desired and observed state, render, observe, plan, apply. Level-triggered: it never asks
 * what woke it. Each step lives in reconcile/; this file is the order they run in and the role lock around them.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { driftHolds } from './holds.ts';
import { applyPrepared } from './reconcile/apply-step.ts';
import { observeRole, planSeen } from './reconcile/observe-step.ts';
import { finish, logNotes, skillStates } from './reconcile/outcome.ts';
import { mark } from './reconcile/phases.ts';
import { isConverged, planStillHolds } from './reconcile/plan-checks.ts';
import { readRoleManifest } from './reconcile/read-step.ts';
import { renderDesired } from './reconcile/render-step.ts';
import { refuseLinkedRoleDir, withRoleDirLock } from './reconcile/role-lock.ts';
import type { Prepared, ReconcileDeps, ReconcileOptions, ReconcileOutcome } from './reconcile/types.ts';

export { withRoleDirLock } from './reconcile/role-lock.ts';
export type { ReconcileDeps, ReconcileOptions, ReconcileOutcome } from './reconcile/types.ts';

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
  const locked = <T>(fn: () => Promise<T>) => withRoleDirLock(deps.paths.home, name, fn);
  if (opts.dryRun) return finish(await prepare(name, deps, opts));
  if (!opts.sweepTemps) {
    const probe = await prepare(name, deps, opts);
    if (probe.pendingTemps)
      return locked(async () => {
        // Planned under the lock, so from the store now in force (as below): a rollback may have changed it.
        await deps.refreshStore?.();
        return applyPrepared(await prepare(name, deps, { ...opts, sweepTemps: true }), deps);
      });
    if (isConverged(probe)) {
      const outcome = finish(probe, { written: 0, deleted: 0, backups: 0, sourceChanged: [] });
      probe.log.debug({ durationMs: outcome.durationMs, locked: false }, 'no change');
      return outcome;
    }
    const waited = performance.now();
    return locked(async () => {
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
  return locked(async () => {
    await deps.refreshStore?.();
    return applyPrepared(await prepare(name, deps, opts), deps);
  });
}

/** Read desired and observed state and plan (pure steps and reads only; the temp sweep when asked, under the lock). */
async function prepare(name: string, deps: ReconcileDeps, opts: ReconcileOptions): Promise<Prepared> {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let t = started;
  const reconcileId = randomBytes(4).toString('hex'); // a log correlation id: decides nothing
  const log = deps.log.child({ role: name, reconcileId });
  const dir = join(deps.paths.rolesDir, name);
  const store = deps.store();
  const spec = store.roles.find((r) => r.name === name);
  // 1. Read: the manifest we wrote, and the leftovers of an interrupted run.
  const { manifest, manifestStamp } = await readRoleManifest(name, dir, deps, opts, log);
  t = mark(phases, 'read', t);
  if (!spec && !manifest) {
    const base = { role: name, reconcileId, skills: [], holds: [] };
    return { base, kind: 'absent', manifestStamp, store, started, phases, log };
  }
  // 2. Render the desired state (pure) from fresh inputs.
  const { desired, holds } = await renderDesired(name, spec, store, manifest, deps, opts);
  t = mark(phases, 'render', t);
  // 3. Observe exactly the files that matter.
  const seen = await observeRole(dir, desired, manifest, deps.observations);
  t = mark(phases, 'observe', t);
  // 4. Plan (pure), looking again at any reused observation it would act on.
  const driftPolicy = spec?.driftPolicy ?? 'revert';
  const plan = await planSeen({ role: name, desired, driftPolicy }, seen, deps.observations);
  const skills = skillStates(spec?.skills ?? [], deps.registry.index, desired);
  holds.push(...driftHolds(plan, desired));
  logNotes(log, desired, deps.registry.index, holds);
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
  const kind = spec ? 'converged' : 'deleted';
  return { base, kind, plan, manifestStamp, observed: seen.observed, store, started, phases, log, pendingTemps };
}
