/** The rollback plan (pure): how each file the manifest lists goes back to what it was before hero_team. */

import type { BackupEntry } from '../../observed/backup-index.ts';
import type { Manifest, ManifestEntry } from '../../observed/role-files.ts';
import type { PathState } from '../../observed/role-path.ts';

/** A path's original as rollback may use it: the backup, and whether its bytes still match the record. */
export interface OriginalCopy {
  entry: BackupEntry;
  verified: boolean;
}

/** What rollback does with one path. */
export type RollbackAction =
  /** Put the user's original back (the path's newest `foreign` backup). */
  | { kind: 'restore'; path: string; from: BackupEntry; replacing?: string }
  /** Delete a file hero_team created: it still holds the bytes we wrote. */
  | { kind: 'delete'; path: string; md5: string }
  /** Leave it: already as it was before hero_team. */
  | { kind: 'none'; path: string; reason: string }
  /** Leave it and tell the user: changed since we wrote it, or its original cannot be verified. */
  | { kind: 'skip'; path: string; reason: string }
  /** Never touched: the path leads out of the role directory. */
  | { kind: 'refuse'; path: string; reason: string };

/** Inputs of planRollback. */
export interface RollbackInput {
  manifest: Manifest;
  /** What is at each manifest path now. */
  observed: ReadonlyMap<string, PathState>;
  /** Each path's original (newest `foreign` backup). */
  originals: ReadonlyMap<string, OriginalCopy>;
}

/** The whole plan: one action per manifest path, and originals of paths the manifest no longer lists (reported). */
export interface RollbackPlan {
  actions: RollbackAction[];
  /** Originals of paths outside the manifest: rollback never touches them; `restore` can put each back. */
  unlisted: BackupEntry[];
}

/** Decide every path; never touches the disk. */
export function planRollback(input: RollbackInput): RollbackPlan {
  const actions = input.manifest.entries.map((e) =>
    planEntry(e, input.observed.get(e.path) ?? { kind: 'missing' }, input.originals.get(e.path)),
  );
  const listed = new Set(input.manifest.entries.map((e) => e.path));
  const unlisted = [...input.originals.values()].filter((o) => !listed.has(o.entry.path)).map((o) => o.entry);
  return { actions, unlisted };
}

function planEntry(entry: ManifestEntry, now: PathState, original: OriginalCopy | undefined): RollbackAction {
  const path = entry.path;
  if (now.kind === 'unsafe') return { kind: 'refuse', path, reason: now.reason };
  if (now.kind === 'other')
    return { kind: 'skip', path, reason: 'not a regular file (a directory or device is in the way)' };
  const ours = now.kind === 'file' && (now.md5 === entry.md5 || now.md5 === entry.pendingMd5);
  if (original) {
    const sameMode = original.entry.mode === undefined || (now.kind === 'file' && now.mode === original.entry.mode);
    if (now.kind === 'file' && now.md5 === original.entry.md5 && sameMode)
      return { kind: 'none', path, reason: 'already the original' };
    if (!original.verified)
      return { kind: 'skip', path, reason: `its original backup ${original.entry.file} is missing or altered` };
    if (now.kind === 'missing') return { kind: 'restore', path, from: original.entry };
    if (ours) return { kind: 'restore', path, from: original.entry, replacing: now.md5 };
    return {
      kind: 'skip',
      path,
      reason: `changed since hero_team wrote it; kept (the original is at ${original.entry.file})`,
    };
  }
  if (now.kind === 'missing') return { kind: 'none', path, reason: 'already gone' };
  if (ours) return { kind: 'delete', path, md5: now.md5 };
  return { kind: 'skip', path, reason: 'changed since hero_team wrote it; kept' };
}

/** Counts by action kind. */
export function summarizeRollback(plan: RollbackPlan): Record<RollbackAction['kind'], number> {
  const counts = { restore: 0, delete: 0, none: 0, skip: 0, refuse: 0 };
  for (const a of plan.actions) counts[a.kind]++;
  return counts;
}
