/** Write detection: (inode, mtime ns, size) of every file under a tree, before and after. */
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** path (relative to the root) → "ino:mtimeNs:size". */
export type Snapshot = Map<string, string>;

/** Snapshot every regular file under `root` (a missing root is empty). */
export function snapshotTree(root: string): Snapshot {
  const snap: Snapshot = new Map();
  let entries;
  try {
    entries = readdirSync(root, { recursive: true, withFileTypes: true });
  } catch {
    return snap;
  }
  for (const e of entries) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath, e.name);
    const st = lstatSync(abs, { bigint: true });
    snap.set(relative(root, abs), `${st.ino}:${st.mtimeNs}:${st.size}`);
  }
  return snap;
}

/** Files that were created, replaced or modified, and files that disappeared. */
export interface SnapshotDiff {
  written: string[];
  removed: string[];
}

/** Compare two snapshots of the same tree. */
export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const written = [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  return { written: written.sort(), removed: removed.sort() };
}

/** True for the per-role manifest (bookkeeping, not a data file). */
export function isManifest(rel: string): boolean {
  return rel.endsWith('.hero-team-manifest.json');
}
