/**
 * Steps 3 and 4 of a reconcile: observe exactly the files that matter, then plan (pure). An observation may be
 * reused from the role's last one where no watcher event says a path changed; nothing is written, deleted or backed
 * up on its word: the paths the plan touches are looked at again before the plan stands.
 */
import {
  listStraySkillEntries,
  observeRoleFiles,
  readSkillsListing,
  type SkillsListing,
} from '../../observed/role-dir.ts';
import type { Manifest, ObservedFile } from '../../observed/role-files.ts';
import type { PriorObservation, RoleObservations } from '../../observed/role-observations.ts';
import type { DesiredRole } from '../artifacts.ts';
import { type Plan, type PlanInput, planRole } from '../plan.ts';
import { type PathSet, pathsOf } from './path-sets.ts';
import { touchedPaths } from './plan-checks.ts';

/** What one reconcile saw of its role directory. */
export interface Sight extends PathSet {
  dir: string;
  manifest: Manifest | null;
  /** One listing of skills/: which skill directories are real directories, and the strays. */
  listing: SkillsListing | undefined;
  observed: Map<string, ObservedFile>;
  /** Paths taken from the role's last observation rather than looked at now. */
  reused: Set<string>;
  /** The role's last observation, when one may be reused. */
  prior?: PriorObservation;
}

/** Observe the paths of `desired` and `manifest` in `dir` (desired ∪ manifest). */
export async function observeRole(
  dir: string,
  desired: DesiredRole | null,
  manifest: Manifest | null,
  observations?: RoleObservations,
): Promise<Sight> {
  const { paths, ownedTop } = pathsOf(desired, manifest);
  const listing = readSkillsListing(dir);
  const prior = observations?.prior(dir);
  const reused = new Set<string>();
  const observed = await observeRoleFiles(dir, paths, manifest, listing, prior, reused);
  return { dir, manifest, paths, ownedTop, listing, observed, reused, prior };
}

/** Plan from what was seen; records the observation for the role's next reconcile. */
export async function planSeen(
  input: Pick<PlanInput, 'role' | 'desired' | 'driftPolicy'>,
  seen: Sight,
  observations?: RoleObservations,
): Promise<Plan> {
  const { dir, manifest, listing, observed, reused } = seen;
  const strays = input.desired ? listStraySkillEntries(listing, seen.ownedTop) : [];
  const planInput = { ...input, dir, manifest, observed, strays } as const;
  let plan = planRole(planInput);
  // planRole decides each path on its own, so after one look again the plan touches no reused path; should that
  // ever not hold, everything is looked at.
  const touchesReused = () => touchedPaths(plan).filter((p) => reused.has(p));
  const lookAgain = async (at: Iterable<string>) => {
    for (const [p, o] of await observeRoleFiles(dir, at, manifest, listing)) {
      observed.set(p, o);
      reused.delete(p);
    }
    plan = planRole(planInput);
  };
  if (touchesReused().length) await lookAgain(touchesReused());
  if (touchesReused().length) await lookAgain(seen.paths);
  if (seen.prior) observations!.record(dir, observed, seen.prior);
  return plan;
}
