/** Strays: entries in skills/ that neither the whitelist nor the manifest names. */

import type { Plan } from './types.ts';

/** Kimi loads a stray as a skill of the role, so it is reported; it is the user's, so it is never touched. */
export function reportStrays(plan: Plan, strays: readonly string[]): void {
  for (const path of strays) plan.drift.push({ path, kind: 'stray', action: 'reported' });
}
