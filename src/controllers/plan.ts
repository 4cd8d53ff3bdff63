/**
 * The plan (pure): the difference between desired artifacts and what the manifest and the disk say.
 *
 * planRole is the whole walk; each decision lives in plan/, one concept a file:
 * - desired-file.ts: one desired file against what is at its path;
 * - prune.ts: a file we wrote that is no longer desired;
 * - drift-policy.ts: bytes we did not write, reverted or reported;
 * - strays.ts: extra entries in skills/;
 * - manifest-next.ts: the manifest the plan leaves behind, and whether it must be written;
 * - planning.ts: what each decision adds to and reads; types.ts: the plan and its actions.
 */

import { entriesByPath, type ManifestEntry } from '../observed/role-files.ts';
import { planDesiredFile } from './plan/desired-file.ts';
import { manifestChanged, nextManifest } from './plan/manifest-next.ts';
import { observedAt, startPlanning } from './plan/planning.ts';
import { planPrune } from './plan/prune.ts';
import { reportStrays } from './plan/strays.ts';
import type { Plan, PlanInput } from './plan/types.ts';

export type { DeleteAction, DriftItem, Plan, PlanInput, Seen, WriteAction, WriteReason } from './plan/types.ts';

/** Compute the plan; never touches the disk. */
export function planRole(input: PlanInput): Plan {
  const at = startPlanning(input);
  const previous = input.manifest ? entriesByPath(input.manifest) : new Map<string, ManifestEntry>();
  const desiredPaths = new Set<string>();
  for (const file of input.desired?.files ?? []) {
    desiredPaths.add(file.path);
    planDesiredFile(at, file, observedAt(input.observed, file.path), previous.get(file.path));
  }
  // An entry under a kept prefix (an invalid skill's last good copy) stays in the manifest untouched.
  const keep = input.desired?.keepPrefixes ?? [];
  for (const entry of previous.values()) {
    if (desiredPaths.has(entry.path)) continue;
    if (keep.some((k) => entry.path.startsWith(k))) at.next.set(entry.path, entry);
    else planPrune(at, entry, observedAt(input.observed, entry.path));
  }
  reportStrays(at.plan, input.strays ?? []);
  if (input.desired) at.plan.manifest = nextManifest(input.role, input.desired.revision, at.next);
  at.plan.manifestChanged = manifestChanged(at.plan, input.manifest);
  return at.plan;
}
