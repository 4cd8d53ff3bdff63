/**
 * Setting a file aside before it is replaced or removed: renamed to a temp name, with a descriptor that follows
 * it, so it is found again wherever its directory goes and exactly the inode that was in place is judged.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Expected } from './place-check.ts';
import { locateStaged } from './staged-file.ts';

/** A file renamed aside, with a descriptor that follows it. */
export interface Aside {
  path: string;
  fd: number;
  dev: number;
  ino: number;
}

/** What setAside found at a path that is not plainly a regular file (a symlink, a directory, a fifo): left in place. */
export const BLOCKED = Symbol('blocked');

const OPEN_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Rename the file at `abs` to `asideName` (undefined: nothing there; BLOCKED: not a regular file, left in place). */
export function setAside(abs: string, asideName: string): Aside | typeof BLOCKED | undefined {
  let fd: number;
  try {
    fd = openSync(abs, OPEN_NO_FOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return BLOCKED; // a symlink (ELOOP) or anything else that is not plainly a file
  }
  const st = fstatSync(fd);
  const aside: Aside = { path: asideName, fd, dev: st.dev, ino: st.ino };
  try {
    if (!st.isFile()) throw new Error('not a file');
    renameSync(abs, aside.path);
    const moved = lstatSync(aside.path);
    if (moved.ino !== st.ino || moved.dev !== st.dev) {
      // Another file took its place between the open and the rename: put that one back where it lies now.
      const other = openSync(aside.path, OPEN_NO_FOLLOW);
      putBack({ path: aside.path, fd: other, dev: moved.dev, ino: moved.ino }, abs);
      throw new Error('replaced meanwhile');
    }
    return aside;
  } catch (err) {
    closeSync(fd);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return BLOCKED;
  }
}

/** True when the file set aside is the version `expected` (its rename changed the ctime: inode, size, mtime tell). */
export function isExpected(aside: Aside, expected: Expected): boolean {
  const st = fstatSync(aside.fd);
  return expected.kind === 'inode'
    ? st.ino === expected.ino && st.dev === expected.dev
    : expected.kind === 'stamp' &&
        st.ino === expected.ino &&
        st.size === expected.size &&
        st.mtimeMs === expected.mtimeMs;
}

/** Where the file set aside is now: by its descriptor (Linux /proc), else its path; undefined when neither leads. */
export function whereIs(aside: Aside): string | undefined {
  return locateStaged({ tmp: aside.path, fd: aside.fd, dev: aside.dev, ino: aside.ino });
}

/** Put a file set aside back under its name, in whichever directory it now is (best effort: else it stays aside). */
export function putBack(aside: Aside, path: string): void {
  const at = whereIs(aside);
  try {
    if (at) renameSync(at, join(dirname(at), basename(path)));
  } catch {
    // left aside under its temp name: its bytes are kept
  } finally {
    closeSync(aside.fd);
  }
}
