/** Questions asked of a prepared plan: what it touches, whether it has anything to do, whether it still stands. */
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { sameStamp } from '../../observed/digest.ts';
import { manifestPath } from '../../observed/manifest.ts';
import { isSameFile, parentsAreDirs } from '../../observed/role-dir.ts';
import type { ObservedFile } from '../../observed/role-files.ts';
import type { Plan } from '../plan.ts';
import type { Prepared } from './types.ts';

/** Paths a plan writes or deletes (backups are taken of those same paths). */
export function touchedPaths(plan: Plan): string[] {
  return [...plan.writes.map((w) => w.file.path), ...plan.deletes.map((d) => d.path)];
}

/** Nothing to write, delete or record, and the role's skills/ directory exists (apply would create it). */
export function isConverged(p: Prepared): boolean {
  if (p.kind === 'absent') return true;
  const plan = p.plan!;
  if (plan.writes.length || plan.deletes.length || plan.manifestChanged) return false;
  return !plan.manifest || !!lstatSync(join(plan.dir, 'skills'), { throwIfNoEntry: false })?.isDirectory();
}

/** The manifest is still the file the plan was made from (or still absent), and so is every file the plan touches. */
export function planStillHolds(p: Prepared): boolean {
  if (!p.plan || !p.observed) return false;
  const now = lstatSync(manifestPath(p.plan.dir), { throwIfNoEntry: false });
  if (now && p.manifestStamp ? !sameStamp(now, p.manifestStamp) : now || p.manifestStamp) return false;
  // lstat follows links on the way: a directory above a touched path replaced by a symlink must be seen too.
  const dirs = new Map<string, boolean>();
  return touchedPaths(p.plan).every((path) => {
    const seen = p.observed!.get(path);
    if (seen?.kind !== 'other' && !parentsAreDirs(p.plan!.dir, path, dirs)) return false;
    return sameObservation(seen, lstatSync(join(p.plan!.dir, path), { throwIfNoEntry: false }));
  });
}

/** A path still looks as observed: missing, or the same regular file by size, mtime, mode (as observe trusts). */
function sameObservation(seen: ObservedFile | undefined, st: Stats | undefined): boolean {
  if (!seen || seen.kind === 'missing') return !st;
  return seen.kind === 'file' && !!st && isSameFile(st, seen);
}
