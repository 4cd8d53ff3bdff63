/**
 * How a role's conditions move as its reconciles start, converge or fail, and as live discovery comes and
 * goes (pure: each takes the conditions in force and gives the new list).
 */
import { type Condition, setCondition } from './conditions.ts';
import type { ConvergedFacts } from './outcome-facts.ts';
import type { Phase } from './role-status.ts';

/** A condition as set, before setCondition stamps its transition time. */
type Next = Omit<Condition, 'lastTransitionTime'>;

/** Live discovery's state, as the manager reports it. */
export interface DiscoveryState {
  available: boolean;
  error?: string;
  source: string;
}

/** Set each condition in turn. */
function setAll(list: readonly Condition[], next: readonly Next[], now: string): Condition[] {
  return next.reduce<Condition[]>((c, n) => setCondition(c, n, now), [...list]);
}

/** A reconcile started. */
export function startedConditions(list: readonly Condition[], now: string): Condition[] {
  return setCondition(
    list,
    { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'reconcile running' },
    now,
  );
}

function ready(phase: Phase, f: ConvergedFacts): Next {
  if (phase === 'Ready')
    return { type: 'Ready', status: 'True', reason: 'Converged', message: 'role directory matches the desired state' };
  const unset = f.requiredSecrets.map((m) => `unset key variable ${m} (needed by the role's model)`);
  return { type: 'Ready', status: 'False', reason: 'Degraded', message: [...f.warnings, ...unset].join('; ') };
}

function drifted(f: ConvergedFacts): Next {
  if (f.reported.length)
    return { type: 'Drifted', status: 'True', reason: 'HandEdited', message: f.reported.map((d) => d.path).join(', ') };
  return {
    type: 'Drifted',
    status: 'False',
    reason: f.reverted ? 'Reverted' : 'InSync',
    message: f.reverted ? `${f.reverted} file(s) reverted` : '',
  };
}

function secretsMissing(f: ConvergedFacts): Next {
  return f.missingSecrets.length
    ? { type: 'SecretsMissing', status: 'True', reason: 'Unset', message: `unset: ${f.missingSecrets.join(', ')}` }
    : { type: 'SecretsMissing', status: 'False', reason: 'AllSet', message: '' };
}

function held(f: ConvergedFacts): Next {
  return f.holds.length
    ? { type: 'Held', status: 'True', reason: f.holds[0]!.reason, message: f.holds.map((h) => h.message).join('; ') }
    : { type: 'Held', status: 'False', reason: 'NothingHeld', message: '' };
}

/** A reconcile converged; `phase`: Ready, or Degraded when it left problems. */
export function convergedConditions(
  list: readonly Condition[],
  phase: Phase,
  f: ConvergedFacts,
  now: string,
): Condition[] {
  const done: Next = { type: 'Reconciling', status: 'False', reason: 'Succeeded', message: 'last reconcile succeeded' };
  const valid: Next = { type: 'Stalled', status: 'False', reason: 'SpecValid', message: '' };
  return setAll(list, [done, valid, ready(phase, f), drifted(f), secretsMissing(f), held(f)], now);
}

/** A reconcile failed; `stalled` when the spec itself is invalid (no retry until it changes). */
export function failedConditions(
  list: readonly Condition[],
  error: string,
  stalled: boolean,
  now: string,
): Condition[] {
  return setAll(
    list,
    [
      { type: 'Reconciling', status: 'False', reason: stalled ? 'Stalled' : 'RetryScheduled', message: error },
      { type: 'Ready', status: 'False', reason: stalled ? 'InvalidSpec' : 'ReconcileError', message: error },
      {
        type: 'Stalled',
        status: stalled ? 'True' : 'False',
        reason: stalled ? 'InvalidSpec' : 'Retrying',
        message: stalled ? error : '',
      },
    ],
    now,
  );
}

/** Discovery's state for a role; `down` when the role takes services from it and it is unavailable. */
export function discoveryConditions(
  list: readonly Condition[],
  d: DiscoveryState,
  down: boolean,
  now: string,
): Condition[] {
  return setCondition(
    list,
    down
      ? {
          type: 'DiscoveryUnavailable',
          status: 'True',
          reason: 'SourceUnreachable',
          message: `${d.source}: ${d.error ?? 'unavailable'}; the last good service list stays in force`,
        }
      : { type: 'DiscoveryUnavailable', status: 'False', reason: 'Available', message: '' },
    now,
  );
}
