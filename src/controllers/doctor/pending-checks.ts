/** Doctor checks of what a sync would change in a role directory, read from its dry-run plan. */
import { join } from 'node:path';
import type { Plan } from '../plan.ts';
import type { Findings } from './finding.ts';

/** Strays in skills/, copies of skills no longer whitelisted, and the writes and deletes a sync would make. */
export function checkPending(name: string, dir: string, plan: Plan, f: Findings): void {
  const at = { role: name };
  for (const s of plan.drift.filter((x) => x.kind === 'stray'))
    f.add(
      'warning',
      'role.stray-skill',
      `${join(dir, s.path)} is neither whitelisted nor written by hero_team: Kimi loads it as a skill for this role`,
      `move it out of ${join(dir, 'skills')} (or whitelist it and let hero_team own it)`,
      { ...at, file: join(dir, s.path) },
    );
  const notWhitelisted = new Set(
    plan.deletes.map((x) => /^skills\/([^/]+)\//.exec(x.path)?.[1]).filter((s): s is string => !!s),
  );
  for (const s of notWhitelisted)
    f.add(
      'warning',
      'role.skill-not-whitelisted',
      `${join(dir, 'skills', s)} is no longer whitelisted for role "${name}"`,
      `run "hero-team sync ${name}" to remove hero_team's copy`,
      { ...at, file: join(dir, 'skills', s) },
    );
  if (plan.writes.length || plan.deletes.length)
    f.add(
      'info',
      'role.not-converged',
      `role "${name}": a sync would write ${plan.writes.length} and delete ${plan.deletes.length} file(s)`,
      `"hero-team diff ${name}" shows the changes; "hero-team sync ${name}" applies them`,
      { ...at, file: dir },
    );
}
