/** One reconcile of one role as the queue runs it: status, echo holding, and the follow-up it may need. */
import type { Scheduler } from '../clock.ts';
import { errorMessage, InvalidSpecError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { skillsEntryOf } from '../observed/role-files.ts';
import type { ObservedSnapshot } from '../observed/snapshot.ts';
import type { EchoGate } from './echo-gate.ts';
import { outcomeProblems, type ProblemLog } from './problem-log.ts';
import { type ReconcileDeps, type ReconcileOutcome, reconcileRole } from './reconcile.ts';
import type { Sources } from './sources.ts';
import type { StatusBook } from './status-book.ts';

/** What running a reconcile needs. */
export interface RoleRunnerDeps {
  sources: Sources;
  snapshot: ObservedSnapshot;
  status: StatusBook;
  /** Conflicts, strays, held drift, invalid or missing skills and keys: logged when they change. */
  problems: ProblemLog;
  echoes: EchoGate;
  clock: Scheduler;
  log: Logger;
  /** The reconcile's dependencies, with the inputs in force now. */
  reconcileDeps(): ReconcileDeps;
  wake(role: string): void;
}

/** Runs reconciles and records their outcome; throws what the role machine retries (or stalls on). */
export class RoleRunner {
  /** Roles whose leftover temp files were swept (once per role per process). */
  private readonly swept = new Set<string>();

  constructor(private readonly deps: RoleRunnerDeps) {}

  /** Reconcile `name` once. */
  async run(name: string): Promise<void> {
    const { sources, status, log } = this.deps;
    status.started(name, !sources.store?.roles.some((r) => r.name === name));
    try {
      const outcome = await this.reconcileHoldingEchoes(name);
      this.swept.add(name);
      status.succeeded(outcome);
      this.deps.problems.report(name, outcomeProblems(outcome));
      // A hand edit landed mid-write: look again.
      if (outcome.result?.raced?.length) this.deps.clock.setTimer(() => this.deps.wake(name), 0);
      if (outcome.result?.sourceChanged.length) {
        // A source changed under the copy: its skill's snapshot is stale whatever the watchers said.
        for (const path of outcome.result.sourceChanged) {
          const skill = skillsEntryOf(path);
          if (skill !== undefined) this.deps.snapshot.invalidate(this.deps.snapshot.skillPath(skill));
        }
        this.deps.clock.setTimer(() => this.deps.wake(name), 0);
      }
    } catch (err) {
      const stalled = err instanceof InvalidSpecError;
      status.failed(name, errorMessage(err), stalled);
      log.error(
        { role: name, err: errorMessage(err) },
        stalled ? 'role stalled: invalid spec' : 'reconcile failed; will retry',
      );
      throw err;
    }
  }

  /** One reconcile, with the role's events held meanwhile and judged against what it wrote. */
  private async reconcileHoldingEchoes(name: string): Promise<ReconcileOutcome> {
    const { echoes } = this.deps;
    echoes.hold(name);
    let done: ReconcileOutcome | undefined;
    try {
      done = await reconcileRole(name, this.deps.reconcileDeps(), { sweepTemps: !this.swept.has(name) });
      return done;
    } finally {
      await echoes.release(name, done?.result ? (done.plan?.deletes.map((d) => d.path) ?? []) : []);
    }
  }
}
