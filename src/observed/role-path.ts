/** One path of a role directory as the ownership verbs (diff, restore, rollback) see it, never following a link. */
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { md5Bytes } from './digest.ts';
import { isSafeRelativePath } from './manifest.ts';

/** What sits at a role-relative path. */
export type PathState =
  | { kind: 'missing' }
  | { kind: 'file'; md5: string; size: number; mode: number }
  /** A directory, device or socket where a file should be. */
  | { kind: 'other' }
  /** The path escapes the role directory: absolute, `..`, or a symlink on the way or at the path itself. */
  | { kind: 'unsafe'; reason: string };

/** Inspect `rel` under `roleDir`: every directory on the way must be a real directory (a symlink could lead out). */
export function inspectRolePath(roleDir: string, rel: string): PathState {
  if (!isSafeRelativePath(rel)) return { kind: 'unsafe', reason: 'absolute path or ".." leaves the role directory' };
  const parts = rel.split('/');
  for (let i = 0; i < parts.length; i++) {
    const at = join(roleDir, ...parts.slice(0, i + 1));
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (!st) return { kind: 'missing' };
    if (st.isSymbolicLink()) return { kind: 'unsafe', reason: `${parts.slice(0, i + 1).join('/')} is a symlink` };
    if (i < parts.length - 1 && !st.isDirectory()) return { kind: 'other' };
    if (i === parts.length - 1) {
      if (!st.isFile()) return { kind: 'other' };
      return { kind: 'file', md5: md5Bytes(readFileSync(at)), size: st.size, mode: st.mode & 0o777 };
    }
  }
  return { kind: 'missing' };
}

/** The role directory itself is a real directory (not a symlink); undefined when it is absent. */
export function roleDirIsReal(roleDir: string): boolean | undefined {
  const st = lstatSync(roleDir, { throwIfNoEntry: false });
  return st ? st.isDirectory() && !st.isSymbolicLink() : undefined;
}
