/** Names and probes of registry entries, shared by the scan of a skill and the check of the whole registry. */
import { lstatSync, type Stats, statSync } from 'node:fs';
import { sep } from 'node:path';

/** Registry entries that are never skills nor skill files: dotfiles, node_modules, editor temp files. */
export function isIgnoredName(name: string): boolean {
  // The same editor files the watchers ignore (watch-events.ts): a copied file must be one whose events are seen.
  return (
    name.startsWith('.') ||
    name === 'node_modules' ||
    name.endsWith('~') ||
    name.endsWith('.swp') ||
    name.endsWith('.swx') ||
    name.includes('.tmp')
  );
}

/**
 * `dir/name` for a normalized absolute `dir` and a bare entry name: path.join normalizes on every call, which
 * these paths do not need, and a scan makes one per file.
 */
export function child(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** The error of a path that is not there (or runs through a file): a skill that is gone, not a broken one. */
export function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** stat/lstat that gives undefined for any error (missing, not a directory, a loop, no permission). */
export function statOrNone(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path, { throwIfNoEntry: false }) : lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
