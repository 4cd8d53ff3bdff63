/** The manifest a plan leaves behind, and whether its file must be written. */

import type { Manifest, ManifestEntry } from '../../observed/role-files.ts';
import type { DesiredFile } from '../artifacts.ts';
import type { Plan } from './types.ts';

/** The manifest entry for a desired file (mtimeMs 0 until apply records the written file's). */
export function entryFor(file: DesiredFile, mtimeMs: number): ManifestEntry {
  return { path: file.path, md5: file.md5, size: file.size, mode: file.mode, mtimeMs };
}

/** The next manifest of a role that exists: its entries sorted by path, so equal contents compare equal. */
export function nextManifest(role: string, revision: string, next: ReadonlyMap<string, ManifestEntry>): Manifest {
  const entries = [...next.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { version: 1, role, revision, entries };
}

/** Any write or delete rewrites the manifest (apply records what it did); otherwise only a different one does. */
export function manifestChanged(plan: Plan, previous: Manifest | null): boolean {
  return plan.writes.length > 0 || plan.deletes.length > 0 || !sameManifest(previous, plan.manifest);
}

function sameManifest(a: Manifest | null, b: Manifest | null): boolean {
  if (!a || !b) return a === b;
  if (a.revision !== b.revision || a.entries.length !== b.entries.length) return false;
  return a.entries.every((e, i) => {
    const f = b.entries[i]!;
    return e.path === f.path && e.md5 === f.md5 && e.size === f.size && e.mode === f.mode && e.mtimeMs === f.mtimeMs;
  });
}
