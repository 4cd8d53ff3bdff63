/** What planning one path adds to, and the facts about a path each decision reads. */

import type { ManifestEntry, ObservedFile } from '../../observed/role-files.ts';
import type { Plan, PlanInput, Seen } from './types.ts';

/** The plan and the next manifest's entries, filled path by path under the role's drift policy. */
export interface Planning {
  plan: Plan;
  next: Map<string, ManifestEntry>;
  policy: 'revert' | 'report';
}

/** An empty plan for the input's role; `previous` is the manifest as read, the base of apply's write intent. */
export function startPlanning(input: PlanInput): Planning {
  const plan: Plan = {
    role: input.role,
    dir: input.dir,
    writes: [],
    deletes: [],
    drift: [],
    manifest: null,
    manifestChanged: false,
    previous: input.manifest,
    unchanged: 0,
  };
  return { plan, next: new Map<string, ManifestEntry>(), policy: input.driftPolicy };
}

/** A path the observation does not list is missing. */
export function observedAt(observed: ReadonlyMap<string, ObservedFile>, path: string): ObservedFile {
  return observed.get(path) ?? { path, kind: 'missing' };
}

/** The observed version of a file, when the observation carries it. */
export function seenOf(obs: ObservedFile): Seen | undefined {
  return obs.ino === undefined || obs.ctimeMs === undefined
    ? undefined
    : { ino: obs.ino, size: obs.size!, mtimeMs: obs.mtimeMs!, ctimeMs: obs.ctimeMs };
}

/** Bytes we wrote: what the manifest records, or what an interrupted apply announced it was writing. */
export function isOurs(entry: ManifestEntry, md5: string | undefined): boolean {
  return md5 === entry.md5 || (entry.pendingMd5 !== undefined && md5 === entry.pendingMd5);
}
