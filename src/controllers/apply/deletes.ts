/** Deleting what the manifest says we wrote and is no longer desired, then the directories that left empty. */
import { dirname, join } from 'node:path';
import { removeEmptyParents } from '../../fs/empty-dirs.ts';
import type { Replacer } from '../../fs/replacer.ts';
import type { Plan } from '../plan.ts';
import { guard } from './guard.ts';

/** What was deleted, and the directories whose entries changed (they need their flush). */
export interface Deleted {
  count: number;
  dirs: Set<string>;
}

/** Delete the plan's deletes (a path that changed meanwhile is left alone, raced) and empty their parents. */
export async function deleteUnwanted(plan: Plan, replacer: Replacer): Promise<Deleted> {
  const deleted: Deleted = { count: 0, dirs: new Set() };
  for (const d of plan.deletes) {
    if (!(await guard(plan, d.path, () => replacer.remove(d.path)))) continue;
    deleted.dirs.add(removeEmptyParents(dirname(join(plan.dir, d.path)), plan.dir));
    deleted.count++;
  }
  // Paths dropped whose file is already gone: an interrupted run may have made (only) their directory.
  const kept = new Set([...(plan.manifest?.entries.map((e) => e.path) ?? []), ...plan.deletes.map((d) => d.path)]);
  for (const e of plan.previous?.entries ?? []) {
    if (!kept.has(e.path)) deleted.dirs.add(removeEmptyParents(dirname(join(plan.dir, e.path)), plan.dir));
  }
  return deleted;
}
