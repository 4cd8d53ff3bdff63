/** What a finished reconcile says about its role, read once for the status record, its conditions and the logs. */
import type { Hold } from './holds.ts';
import type { DriftItem } from './plan.ts';
import type { ReconcileOutcome } from './reconcile.ts';

/** Warnings of an outcome, one line each (pure). */
export function outcomeWarnings(o: ReconcileOutcome): string[] {
  const w: string[] = [];
  const d = o.desired;
  if (d?.missingSkills.length) w.push(`skills not in the registry: ${d.missingSkills.join(', ')}`);
  if (d?.invalidSkills.length) w.push(`invalid registry skills (last good copy kept): ${d.invalidSkills.join(', ')}`);
  if (d?.missingServices.length) w.push(`MCP services not in services.json: ${d.missingServices.join(', ')}`);
  if (d?.rejectedServices?.length)
    w.push(
      `MCP services left out of mcp.json (Kimi Code cannot load them; fix their entry in services.json): ${d.rejectedServices.join(', ')}`,
    );
  for (const item of o.plan?.drift ?? []) if (item.action === 'reported') w.push(`${item.kind}: ${item.path}`);
  for (const hold of o.holds ?? []) w.push(`held (${hold.reason}): ${hold.message}`);
  return w;
}

/** Files the reconcile put back as desired (drift reverted). */
export function revertedCount(o: ReconcileOutcome): number {
  return o.plan?.drift.filter((d) => d.action === 'reverted').length ?? 0;
}

/** A converged outcome's facts, as the status record and its conditions need them. */
export interface ConvergedFacts {
  warnings: string[];
  /** Key variables the role's config references that are unset. */
  missingSecrets: string[];
  /** Those of them the role's model needs (the role cannot work without them). */
  requiredSecrets: string[];
  /** Drift left as found (hand edits under the `report` policy, strays, conflicts). */
  reported: DriftItem[];
  reverted: number;
  holds: Hold[];
}

export function convergedFacts(o: ReconcileOutcome): ConvergedFacts {
  return {
    warnings: outcomeWarnings(o),
    missingSecrets: o.desired?.missingSecrets ?? [],
    requiredSecrets: o.desired?.missingRequiredSecrets ?? [],
    reported: o.plan?.drift.filter((d) => d.action === 'reported') ?? [],
    reverted: revertedCount(o),
    holds: o.holds ?? [],
  };
}
