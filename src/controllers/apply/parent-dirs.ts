/**
 * The directories the plan's files go into, made before any file is staged: parents first, once each (a cold
 * role has a hundred, and letting each file's first write fail and retry costs two thread-pool round trips per
 * directory), on the thread pool, where their inode allocation overlaps the event loop's work. Observe already
 * refused paths with a symlink or file in the way, and nothing here follows one: mkdir never does.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApplyError } from '../../errors.ts';
import { settleAll } from '../../fs/durable-batch.ts';
import { stageDir } from '../../fs/staged-dir.ts';
import type { Plan } from '../plan.ts';
import { type FreshDir, freshDirOf, stagingName, wasMissing } from './fresh-skills.ts';
import { guard } from './guard.ts';

/**
 * Create the directories of the plan's new files and the staged directories of `fresh` with the directories
 * inside them; returns the staged directories and the directories made inside them (their entries are what
 * their rename publishes, so they are made durable before it).
 */
export async function makeParentDirs(plan: Plan, fresh: ReadonlyMap<string, FreshDir>): Promise<string[]> {
  const dirs = new Set<string>();
  const inside = new Map<FreshDir, Set<string>>();
  for (const w of plan.writes) {
    const dir = freshDirOf(fresh, w);
    // A file that is there (as checked under the lock) has its directories: an edit makes none. Were one
    // removed since, the staged file's creation makes it (createTemp).
    if (!dir && !wasMissing(w)) continue;
    const rel = dir ? w.file.path.slice(dir.rel.length + 1) : w.file.path;
    const into = dir ? (inside.get(dir) ?? inside.set(dir, new Set()).get(dir)!) : dirs;
    for (let d = dirname(rel); d !== '.' && !into.has(d); d = dirname(d)) into.add(d);
  }
  if (fresh.size) dirs.add('skills');
  if (!dirs.size && !fresh.size) return [];
  mkdirSync(plan.dir, { recursive: true });
  await makeDirsByDepth(plan, plan.dir, dirs);
  const made: string[] = [];
  await settleAll(
    [...fresh.values()].map((d) =>
      guard(plan, d.rel, async () => {
        d.tmp = await stageDir(plan.dir, stagingName(d), d.at);
        made.push(d.tmp);
      }),
    ),
  );
  const nested = [...inside].flatMap(([d, rels]) => [...rels].map((rel) => `${d.tmp!}/${rel}`));
  made.push(...nested);
  await makeDirsByDepth(plan, '', new Set(nested));
  return made;
}

/** mkdir each of `dirs` (relative to `base`, or absolute with base ''), parents first; an existing one is fine. */
async function makeDirsByDepth(plan: Plan, base: string, dirs: Set<string>): Promise<void> {
  const make = async (d: string) => {
    const path = base ? `${base}/${d}` : d;
    try {
      await mkdir(path, { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new ApplyError(plan.role, path, { cause: err });
    }
  };
  const byDepth = new Map<number, string[]>();
  for (const d of dirs) {
    const depth = d.split('/').length;
    const level = byDepth.get(depth);
    if (level) level.push(d);
    else byDepth.set(depth, [d]);
  }
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) await settleAll(byDepth.get(depth)!.map(make));
}
