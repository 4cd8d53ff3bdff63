/**
 * The walk that puts the watches on a tree: watch a directory first, then list it, so nothing created in
 * between is missed; time-sliced, following symlinked directories and refusing loops.
 */
import { readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { TimeSlicer } from '../clock.ts';
import { isIgnored } from './watch-events.ts';
import type { WatchScope } from './watch-scope.ts';
import type { WatchSet } from './watch-set.ts';
import type { WatchOptions } from './watch-types.ts';

/** A directory to add: where, how deep, the real paths above it, and its real path when known without a lookup. */
export interface PendingDir {
  dir: string;
  depth: number;
  /** Looked up when the walk reaches it when not given (a directory that appeared: the lookup waits for its slice). */
  ancestors?: readonly string[];
  real?: string;
  /** Below the root: the scope epoch of its root entry when the walk reached it (a stale walk stops). */
  epoch?: number;
}

/** What a walk works with: the tree's watches and scope, its options, and where it reports. */
export interface WalkDeps {
  set: WatchSet;
  scope: WatchScope;
  opts: WatchOptions;
  isClosed(): boolean;
  onPath(path: string): void;
  onError(err: unknown): void;
}

/**
 * Watch a directory and the directories below it. `announce`: report every entry found, for a directory that
 * appeared after start and may have been filled before its watch existed.
 */
export async function addTree(deps: WalkDeps, first: PendingDir, announce: boolean): Promise<void> {
  const { scope, opts } = deps;
  const stack = [first];
  const slicer = new TimeSlicer();
  while (stack.length && !deps.isClosed()) {
    if (slicer.due()) {
      await slicer.pause();
      continue; // the walk may have been closed meanwhile
    }
    const next = stack.pop()!;
    const { dir, depth, real: knownReal, epoch } = next;
    // Taken out of scope while this walk ran (and maybe back in, by a walk of its own).
    if (depth > 0 && !scope.admits(dir, epoch)) continue;
    const ancestors = next.ancestors ?? deps.set.ancestorsOf(dir);
    const real = watchDir(deps, dir, depth, ancestors, knownReal);
    if (real === null) continue;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // gone again: its parent's event removes the watch
    }
    const below = [...ancestors, real];
    for (const e of entries) {
      const path = `${dir}/${e.name}`;
      if (isIgnored(opts, path)) continue;
      if (announce) deps.onPath(path);
      const descend = (opts.depth === undefined || depth < opts.depth) && (depth > 0 || scope.inScope(path));
      // A plain subdirectory's real path is its parent's plus its name; only a symlink needs a lookup.
      const kidEpoch = depth === 0 ? scope.epochOf(path) : epoch;
      if (descend && e.isDirectory())
        stack.push({ dir: path, depth: depth + 1, ancestors: below, real: `${real}/${e.name}`, epoch: kidEpoch });
      else if (descend && e.isSymbolicLink())
        stack.push({ dir: path, depth: depth + 1, ancestors: below, epoch: kidEpoch });
    }
  }
}

/** Watch one directory (symlinks followed); its real path, or null: not a directory, a loop, or already watched. */
function watchDir(
  deps: WalkDeps,
  dir: string,
  depth: number,
  ancestors: readonly string[],
  knownReal?: string,
): string | null {
  let st: Stats | undefined;
  let real: string;
  try {
    st = statSync(dir, { throwIfNoEntry: false });
    if (!st?.isDirectory() || isIgnored(deps.opts, dir, st)) return null;
    real = knownReal ?? realpathSync.native(dir);
  } catch {
    return null; // ENOTDIR, ELOOP, a dangling link, or gone
  }
  const existing = deps.set.get(dir);
  if (existing?.ino === st.ino) return null;
  if (existing) deps.set.removeTree(dir);
  if (ancestors.includes(real)) return null; // a symlink back up the tree
  try {
    deps.set.add(dir, st.ino, depth);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') deps.onError(err);
    return null;
  }
  return real;
}
