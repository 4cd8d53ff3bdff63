/** One role's status record: phase, last reconcile, skills, problems and counters (DESIGN §6). */
import type { Condition } from './conditions.ts';
import type { ConvergedFacts } from './outcome-facts.ts';
import type { ReconcileOutcome } from './reconcile.ts';

/** Lifecycle phase of a role. */
export type Phase = 'Pending' | 'Reconciling' | 'Ready' | 'Degraded' | 'Stalled' | 'Deleting';

/** How a reconcile ended. */
export type ReconcileResult = 'converged' | 'deleted' | 'absent' | 'error' | 'stalled';

/** Status of one role. */
export interface RoleStatus {
  name: string;
  phase: Phase;
  conditions: Condition[];
  observedGeneration?: number;
  lastAppliedRevision?: string;
  lastReconcileAt?: string;
  lastDurationMs?: number;
  lastError?: string;
  /** Whitelisted skills: registry md5 at the last reconcile, md5 last copied (`lastSyncedMd5`), stale when unequal. */
  skills: { name: string; md5?: string; lastSyncedMd5?: string; stale: boolean }[];
  /** Problems found by the last reconcile (missing skills, reported drift...). */
  warnings: string[];
  /** Outcome of the last finished reconcile. */
  lastOutcome?: ReconcileResult;
  /** Files left as hand-edited under the `report` drift policy (and foreign files in the way). */
  drifted: string[];
  /** Extra entries in the role's skills/ directory (reported, never deleted). */
  strays: string[];
  /** Provider key variables the role's config references that are unset. */
  missingSecrets: string[];
  counts: {
    reconciles: number;
    filesWritten: number;
    filesDeleted: number;
    driftReverted: number;
    backups: number;
    errors: number;
  };
}

/** A role not reconciled yet. */
export function emptyStatus(name: string): RoleStatus {
  return {
    name,
    phase: 'Pending',
    conditions: [],
    skills: [],
    warnings: [],
    drifted: [],
    strays: [],
    missingSecrets: [],
    counts: { reconciles: 0, filesWritten: 0, filesDeleted: 0, driftReverted: 0, backups: 0, errors: 0 },
  };
}

/** Record a converged reconcile in `s` (conditions aside); `now`: ISO time. */
export function recordConverged(s: RoleStatus, o: ReconcileOutcome, facts: ConvergedFacts, now: string): void {
  s.warnings = facts.warnings;
  s.phase = facts.warnings.length || facts.requiredSecrets.length ? 'Degraded' : 'Ready';
  s.observedGeneration = o.generation;
  s.lastAppliedRevision = o.desired?.revision;
  s.lastReconcileAt = now;
  s.lastDurationMs = Math.round(o.durationMs * 10) / 10;
  s.lastError = undefined;
  // A stale skill was not copied this time: the md5 last copied is still the one of the copy before.
  const synced = new Map(s.skills.map((k) => [k.name, k.lastSyncedMd5]));
  s.skills = o.skills.map((k) => ({ ...k, lastSyncedMd5: k.stale ? synced.get(k.name) : k.md5 }));
  s.drifted = facts.reported.filter((d) => d.kind !== 'stray').map((d) => d.path);
  s.strays = facts.reported.filter((d) => d.kind === 'stray').map((d) => d.path);
  s.missingSecrets = facts.missingSecrets;
  s.lastOutcome = 'converged';
  s.counts.reconciles++;
  s.counts.filesWritten += o.result?.written ?? 0;
  s.counts.filesDeleted += o.result?.deleted ?? 0;
  s.counts.backups += o.result?.backups ?? 0;
  s.counts.driftReverted += facts.reverted;
}

/** Record a failed reconcile in `s` (conditions aside); `stalled` when the spec itself is invalid. */
export function recordFailure(s: RoleStatus, error: string, stalled: boolean, now: string): void {
  s.phase = stalled ? 'Stalled' : 'Degraded';
  s.lastError = error;
  s.lastReconcileAt = now;
  s.counts.errors++;
  s.lastOutcome = stalled ? 'stalled' : 'error';
}
