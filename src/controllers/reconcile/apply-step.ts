/** Step 5 of a reconcile: apply the plan (the only writes), mark what it touched, apply backup retention, log it. */
import { statePaths } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { type ApplyResult, applyPlan } from '../apply.ts';
import { DEFAULT_RETENTION, pruneBackups } from '../backup-retention.ts';
import { finish } from './outcome.ts';
import { mark } from './phases.ts';
import { touchedPaths } from './plan-checks.ts';
import type { Prepared, ReconcileDeps, ReconcileOutcome } from './types.ts';

/** Apply what was prepared (nothing for an absent role); call under the role's lock. */
export async function applyPrepared(p: Prepared, deps: ReconcileDeps): Promise<ReconcileOutcome> {
  if (p.kind === 'absent') return finish(p);
  const plan = p.plan!;
  const applying = performance.now();
  let result: ApplyResult;
  try {
    const apply = () =>
      applyPlan(plan, {
        backupsDir: statePaths(deps.paths.home).backups,
        clock: deps.clock,
        generation: p.base.generation,
        barrier: deps.barrier,
        staging: deps.staging,
        manifests: deps.manifests,
      });
    result = await (deps.bulk ? deps.bulk.run(plan.writes.length, apply) : apply());
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
