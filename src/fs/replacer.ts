/**
 * Replaces and removes files with no window in which a hand edit can be lost: the file in place is first
 * renamed aside (that captures exactly the inode there, whatever was saved a moment before), the new file is
 * hard-linked into place (which fails rather than replace a file saved meanwhile), and the file set aside is
 * dropped only when it is the version planned for or already backed up; anything else is backed up first.
 * Bytes that changed are backed up, a file saved into place meanwhile is left alone (raced: the caller tries
 * again later), and a directory that changed stops the caller (PlaceChangedError). The check of the directory,
 * the set-aside, the link and a put-back are synchronous calls back to back: no other work of this process runs
 * between them.
 */
import { closeSync, linkSync, lstatSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type DirIdentities, type Expected, parentRel } from './place-check.ts';
import { type Aside, BLOCKED, isExpected, putBack, setAside, whereIs } from './set-aside.ts';
import { closeStaged, discardStaged, publishStaged, type StagedFile } from './staged-file.ts';
import { tempPathFor } from './temp-names.ts';

/** Backs up bytes found where they were not expected (`abs`: where they are now, `bytes`: what they hold). */
export type BackupUnexpected = (rel: string, abs: string, bytes: Buffer) => Promise<void>;

export class Replacer {
  /** Paths left alone because they changed while being replaced. */
  readonly raced = new Set<string>();

  constructor(
    private readonly dirs: DirIdentities,
    /** Root-relative path → what it must still hold right before it is replaced or removed (undefined: not known). */
    private readonly expected: ReadonlyMap<string, Expected | undefined>,
    private readonly backup: BackupUnexpected,
    /** Root-relative path → the name its file is set aside under (recorded by the caller beforehand). */
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

  /** Remove a file we wrote (bytes changed since planning are backed up first); false when something else is there. */
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

  /** Leave `rel` alone this time: drop the staged file; the next attempt judges what is there. */
  private leave(f: StagedFile, rel: string): false {
    discardStaged([f]);
    this.raced.add(rel);
    return false;
  }

  /** Set the file at `rel` aside; nothing should be there when none is expected (one that appeared fails the link). */
  private setAside(rel: string): Aside | typeof BLOCKED | undefined {
    const expected = this.expected.get(rel);
    if (!expected || expected.kind === 'missing') return undefined;
    const abs = join(this.dirs.root, rel);
    return setAside(abs, this.asideNames.get(rel) ?? tempPathFor(abs));
  }

  /** Drop the file set aside: at once if it is the planned version (or has a hard-link backup), else after a backup. */
  private async settleAside(rel: string, aside: Aside): Promise<void> {
    try {
      const asPlanned = isExpected(aside, this.expected.get(rel)!);
      const at = whereIs(aside);
      if (!at) return; // moved out of reach: left where it is, nothing lost
      if (!asPlanned) await this.backup(rel, at, readFileSync(aside.fd));
      unlinkSync(at);
    } finally {
      closeSync(aside.fd);
    }
  }
}
