/**
 * The checks apply makes right before it replaces or removes a file (issue 12 items 3 and 4): the file is
 * still the version it planned for (or backed up), the directory is still the one it observed, and a temp
 * file lives where it was meant to. Bytes that changed are backed up, a file saved into place meanwhile is left
 * alone (raced: the role reconciles again), and a directory that changed stops the apply.
 */
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { type DirIdentities, type Expected, PlaceChangedError } from '../fs/place-check.ts';
import { closeStaged, discardStaged, locateStaged, publishStaged, type StagedFile } from '../fs/staged-file.ts';
import { tempPathFor } from '../fs/temp-names.ts';
import { md5Bytes } from '../observed/digest.ts';
import type { DeleteAction, WriteAction } from './plan.ts';

/** Role-relative directory of a role-relative path ('' for the role directory). */
export function parentRel(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

/** Files that may hold keys: their backups are 0600. */
export function isSecretPath(path: string): boolean {
  return path === 'config.toml' || path === 'mcp.json';
}

/** What an action without a backup expects at its path: the version observed, or nothing (undefined: not known). */
export function expectedOf(action: WriteAction | DeleteAction): Expected | undefined {
  if (action.seen) return { kind: 'stamp', ...action.seen };
  if ('file' in action && (action.reason === 'create' || action.reason === 'restore')) return { kind: 'missing' };
  return undefined;
}

/** Resolves the role directory's real path once (the roles root may sit behind a symlink of the user's). */
export class RealRoot {
  private real: string | undefined;
  constructor(private readonly dir: string) {}

  /** Throw (after removing the temp wherever it is) unless the staged file lives at its own path under the role directory. */
  verify(f: StagedFile): void {
    this.real ??= realpathSync.native(this.dir);
    const at = locateStaged(f);
    if (at === join(this.real, relative(this.dir, f.tmp))) return;
    throw new PlaceChangedError(
      f.tmp,
      at ? `the temp file was created in ${at}` : 'the temp file cannot be found where it was created',
    );
  }
}

const BLOCKED = Symbol('blocked');

/** Backs up bytes found where they were not expected (a new backup session per call: one record per path each). */
export type BackupUnexpected = (rel: string, abs: string, md5: string) => Promise<void>;

/**
 * Replaces and removes files with no window in which a hand edit can be lost: the file in place is first
 * renamed aside (that captures exactly the inode there, whatever was saved a moment before), the new file is
 * hard-linked into place (which fails rather than replace a file saved meanwhile), and the file set aside is
 * dropped only when it is the version planned for or already backed up; anything else is backed up first.
 */
export class Replacer {
  /** Paths left alone because they changed while being replaced. */
  readonly raced = new Set<string>();

  constructor(
    private readonly dirs: DirIdentities,
    private readonly expected: ReadonlyMap<string, Expected | undefined>,
    private readonly backup: BackupUnexpected,
    /** Role-relative path → the name its file is set aside under (recorded by the write intent). */
    private readonly asideNames: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** Put a durable staged file at its path; false when the path was left alone (raced). */
  async replace(f: StagedFile, rel: string): Promise<boolean> {
    this.dirs.check(parentRel(rel));
    if (!this.expected.get(rel)) {
      await publishStaged(f); // nothing known about the path (a plan made without observing it): plain rename
      return true;
    }
    const aside = this.setAside(rel);
    if (aside === BLOCKED) return this.leave(f, rel);
    let placed = true;
    try {
      linkSync(f.tmp, f.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') placed = false;
      else if (
        (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') &&
        !lstatSync(f.path, { throwIfNoEntry: false })
      ) {
        renameSync(f.tmp, f.path); // no hard links here: the check just made is all there is
        closeStaged(f, true);
        if (aside) await this.settleAside(rel, aside);
        return true;
      } else {
        if (aside) putBack(aside, f.path); // nothing was replaced
        discardStaged([f]);
        throw err;
      }
    }
    if (placed) discardStaged([f]); // the temp name goes, found through its descriptor; the file stays linked in place
    if (aside) await this.settleAside(rel, aside);
    return placed || this.leave(f, rel);
  }

  /** Leave `rel` alone this time: drop the staged file; the next reconcile judges what is there. */
  private leave(f: StagedFile, rel: string): false {
    discardStaged([f]);
    this.raced.add(rel);
    return false;
  }

  /** Remove a file we wrote (bytes that changed since planning are backed up first); false when something else is there now. */
  async remove(rel: string): Promise<boolean> {
    try {
      if (!lstatSync(join(this.dirs.root, rel), { throwIfNoEntry: false })) return true;
    } catch {
      return true; // ENOTDIR: a parent is no longer a directory, so the file is not there
    }
    this.dirs.check(parentRel(rel));
    if (!this.expected.get(rel)) {
      unlinkSync(join(this.dirs.root, rel));
      return true;
    }
    const aside = this.setAside(rel);
    if (aside === BLOCKED) {
      this.raced.add(rel);
      return false;
    }
    if (aside) await this.settleAside(rel, aside);
    return true;
  }

  /**
   * Rename the file at `rel` aside, holding a descriptor to it so it is found again wherever its directory
   * goes (undefined: nothing there; BLOCKED: not a regular file, left in place).
   */
  private setAside(rel: string): Aside | typeof BLOCKED | undefined {
    const abs = join(this.dirs.root, rel);
    const expected = this.expected.get(rel);
    // Nothing should be there: a file that appeared makes the link fail (EEXIST) and is left alone.
    if (!expected || expected.kind === 'missing') return undefined;
    let fd: number;
    try {
      fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return BLOCKED; // a symlink (ELOOP) or anything else that is not plainly a file
    }
    const st = fstatSync(fd);
    const aside: Aside = { path: this.asideNames.get(rel) ?? tempPathFor(abs), fd, dev: st.dev, ino: st.ino };
    try {
      if (!st.isFile()) throw new Error('not a file');
      renameSync(abs, aside.path);
      const moved = lstatSync(aside.path);
      if (moved.ino !== st.ino || moved.dev !== st.dev) {
        // Another file took its place between the open and the rename: put that one back where it lies now.
        const other = openSync(aside.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
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

  /** Drop the file set aside: at once when it is the version planned for (or kept by a hard-link backup), else after backing it up. */
  private async settleAside(rel: string, aside: Aside): Promise<void> {
    try {
      const expected = this.expected.get(rel)!;
      const st = fstatSync(aside.fd);
      // The rename aside changed its ctime: the version is told by inode, size and mtime.
      const asPlanned =
        expected.kind === 'inode'
          ? st.ino === expected.ino && st.dev === expected.dev
          : expected.kind === 'stamp' &&
            st.ino === expected.ino &&
            st.size === expected.size &&
            st.mtimeMs === expected.mtimeMs;
      const at = whereIs(aside);
      if (!at) return; // moved out of reach: left where it is, nothing lost
      if (!asPlanned) await this.backup(rel, at, md5Bytes(readFileSync(aside.fd)));
      unlinkSync(at);
    } finally {
      closeSync(aside.fd);
    }
  }
}

/** A file renamed aside, with a descriptor that follows it. */
interface Aside {
  path: string;
  fd: number;
  dev: number;
  ino: number;
}

/** Where the file set aside is now: through its descriptor (Linux /proc), else its path; undefined when neither leads to it. */
function whereIs(aside: Aside): string | undefined {
  return locateStaged({ tmp: aside.path, fd: aside.fd, dev: aside.dev, ino: aside.ino });
}

/** Put a file set aside back under its name, in whichever directory it now is (best effort: else it stays aside). */
function putBack(aside: Aside, path: string): void {
  const at = whereIs(aside);
  try {
    if (at) renameSync(at, join(dirname(at), basename(path)));
  } catch {
    // left aside under its temp name: its bytes are kept
  } finally {
    closeSync(aside.fd);
  }
}
