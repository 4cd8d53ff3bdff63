/** The role's lock (one writer of its directory at a time, across processes) and the refusal of a linked role dir. */
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RoleDirConflictError } from '../../errors.ts';
import { withFileLock } from '../../fs/file-lock.ts';

/** How long a reconcile waits for another process (a `sync` beside the daemon) converging the same role. */
const ROLE_LOCK = { timeoutMs: 60_000, staleMs: 600_000 };

/** Run `fn` holding role `name`'s lock: the one writer of its directory at a time, across processes. */
export function withRoleDirLock<T>(home: string, name: string, fn: () => Promise<T>): Promise<T> {
  const locks = join(home, 'locks');
  mkdirSync(locks, { recursive: true, mode: 0o700 });
  return withFileLock(join(locks, `${name}.lock`), fn, ROLE_LOCK);
}

/** One rule everywhere (sync, the daemon, a deleted role): a role directory that is a symlink is a conflict. */
export function refuseLinkedRoleDir(name: string, dir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st && !st.isDirectory())
    throw new RoleDirConflictError(name, dir, st.isSymbolicLink() ? 'is a symlink' : 'is not a directory');
}
