/** Removing directories left empty, never through a symlink. */
import { lstatSync, rmdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Remove empty directories from `dir` up to (not including) `stop`; returns the first directory kept. */
export function removeEmptyParents(dir: string, stop: string): string {
  if (!isRealDirChain(stop, dir)) return stop; // a symlink on the way: never remove anything through it
  let current = dir;
  while (current.startsWith(stop + '/')) {
    try {
      rmdirSync(current);
    } catch {
      return current;
    }
    current = dirname(current);
  }
  return current;
}

/** True when every directory from below `stop` down to `dir` is a real directory (not a symlink). */
function isRealDirChain(stop: string, dir: string): boolean {
  for (let current = dir; current.startsWith(stop + '/'); current = dirname(current)) {
    const st = lstatSync(current, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) return false;
  }
  return true;
}
