/**
 * Holds: desired changes a reconcile deliberately did not make, and why. A held role is not converged: the
 * status says so (condition Held) and `sync` exits 1. Each hold keeps what is on disk rather than guess.
 */
import type { Manifest } from '../observed/role-files.ts';
import type { DesiredRole } from './artifacts.ts';
import type { Plan } from './plan.ts';

/** Why a reconcile held back. */
export type HoldReason = 'RegistryUnavailable' | 'SkillsVanished' | 'ServicesUnavailable' | 'DriftHeld';

/** One held change, with a message that names the files and how to resolve it. */
export interface Hold {
  reason: HoldReason;
  message: string;
}

/** What the inputs in force say beyond the render: the registry's state and the services catalog's. */
export interface InputState {
  /** Why the registry cannot be trusted to say a skill is gone (missing, unreadable, empty); undefined when fine. */
  registryProblem: () => string | undefined;
  /** services.json's problem, and whether a valid catalog (read now, earlier, or the last one saved) is in force. */
  services: { error?: string; valid: boolean };
  /** Prune skills that vanished from the registry even when most of the role's skills vanished at once. */
  pruneVanished?: boolean;
}

/** Below this many vanished skills, a skill removed from the registry is pruned as usual. */
const VANISH_GUARD_MIN = 2;

/**
 * Hold back prunes and writes the inputs cannot justify: a skill whose copy exists but that the registry no
 * longer lists is kept when the registry is unavailable, or when most of the role's skills vanished in one step
 * (a re-clone, an unmounted disk, a mistyped path); mcp.json is left as it is when no valid services catalog is
 * known. Returns the desired state to plan with (a copy when something is held; `desired` is shared).
 */
export function holdUnjustified(
  desired: DesiredRole,
  manifest: Manifest | null,
  mcpWanted: boolean,
  inputs: InputState,
): { desired: DesiredRole; holds: Hold[] } {
  const holds: Hold[] = [];
  const keep: string[] = [];
  let files = desired.files;
  const owned = ownedSkills(manifest);
  const vanished = desired.missingSkills.filter((name) => owned.has(name));
  if (desired.missingSkills.length) {
    const problem = inputs.registryProblem();
    if (problem) {
      keep.push(...vanished.map((name) => `skills/${name}/`));
      holds.push({
        reason: 'RegistryUnavailable',
        message: `${problem}: nothing is pruned and the last good copies stay (${desired.missingSkills.join(', ')})`,
      });
    } else if (!inputs.pruneVanished && vanished.length >= VANISH_GUARD_MIN && vanished.length * 2 > owned.size) {
      keep.push(...vanished.map((name) => `skills/${name}/`));
      holds.push({
        reason: 'SkillsVanished',
        message: `${vanished.length} of the role's ${owned.size} skills vanished from the registry at once (${vanished.join(', ')}): their copies are kept. If they were removed on purpose, take them out of the whitelist or run "hero-team sync ${desired.role} --prune-vanished"`,
      });
    }
  }
  if (mcpWanted && !inputs.services.valid) {
    files = files.filter((f) => f.path !== 'mcp.json');
    keep.push('mcp.json');
    holds.push({
      reason: 'ServicesUnavailable',
      message: `${inputs.services.error ?? 'services.json is invalid'}; no valid catalog is known: mcp.json is left as it is`,
    });
  }
  if (!keep.length) return { desired, holds };
  return { desired: { ...desired, files, keepPrefixes: [...desired.keepPrefixes, ...keep] }, holds };
}

/** Hand edits left in place under the `report` policy where the desired content differs: desired changes stop there. */
export function driftHolds(plan: Plan, desired: DesiredRole | null): Hold[] {
  const reported = plan.drift.filter((d) => d.action === 'reported' && (d.kind === 'modified' || d.kind === 'foreign'));
  if (!reported.length || !desired) return [];
  const wanted = new Set(desired.files.map((f) => f.path));
  const held = reported.filter((d) => wanted.has(d.path)).map((d) => d.path);
  if (!held.length) return [];
  return [
    {
      reason: 'DriftHeld',
      message: `edited by hand and kept (drift policy report), desired changes are not applied: ${held.join(', ')}. Resolve with "hero-team restore ${plan.role} PATH" or "hero-team role set ${plan.role} --drift revert"`,
    },
  ];
}

/** Skill names with at least one file in the manifest. */
function ownedSkills(manifest: Manifest | null): Set<string> {
  const names = new Set<string>();
  for (const e of manifest?.entries ?? []) {
    if (!e.path.startsWith('skills/')) continue;
    const cut = e.path.indexOf('/', 7);
    if (cut > 7) names.add(e.path.slice(7, cut));
  }
  return names;
}
