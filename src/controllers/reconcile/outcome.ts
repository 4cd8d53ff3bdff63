/** What a reconcile reports: its outcome, the role's skills with their registry state, and its notes in the log. */
import type { Logger } from '../../log.ts';
import type { RegistryIndex } from '../../observed/registry-types.ts';
import type { ApplyResult } from '../apply.ts';
import type { DesiredRole } from '../artifacts.ts';
import type { Hold } from '../holds.ts';
import type { Prepared, ReconcileOutcome } from './types.ts';

/** The outcome of what was prepared, and applied when `result` is given. */
export function finish(p: Prepared, result?: ApplyResult): ReconcileOutcome {
  return { ...p.base, kind: p.kind, ...(result ? { result } : {}), durationMs: performance.now() - p.started };
}

/** Each whitelisted skill with its registry digest; stale when the registry has no valid copy of it. */
export function skillStates(
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

/** Log (debug) the render's invalid and missing skills, and every hold. */
export function logNotes(log: Logger, desired: DesiredRole | null, index: RegistryIndex, holds: readonly Hold[]): void {
  for (const name of desired?.invalidSkills ?? []) {
    log.debug({ skill: name, reason: index.invalid.get(name)?.reason }, 'invalid registry skill: last good copy kept');
  }
  for (const name of desired?.missingSkills ?? []) log.debug({ skill: name }, 'whitelisted skill not in the registry');
  for (const hold of holds) log.debug({ reason: hold.reason }, hold.message);
}
