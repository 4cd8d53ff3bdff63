/**
 * Checks that a place under a root directory is still the one observed, made immediately before a rename or
 * an unlink there. Node has no openat(2): every call names a path, so a directory swapped for a symlink
 * between a check and the call that follows it is not seen (docs/user-guide.md, Safety, states the window).
 */
import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { locateStaged, type StagedFile } from './staged-file.ts';

/** A directory's identity. */
export interface DirId {
  dev: number;
  ino: number;
}

/** What a path must still hold right before it is replaced or removed. */
export type Expected =
  | { kind: 'missing' }
  /** The same inode (a hard-link backup holds it: edits made in place since are kept there). */
  | { kind: 'inode'; dev: number; ino: number }
  /** The same version of the same file (inode, size, mtime, ctime). */
  | { kind: 'stamp'; ino: number; size: number; mtimeMs: number; ctimeMs: number };

/** Thrown when a directory on the way changed (swapped for a symlink, replaced) since it was observed. */
export class PlaceChangedError extends Error {
  override readonly name = 'PlaceChangedError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}; nothing is written through it`);
  }
}

/** The directories under one root, each checked once to be a real directory (no symlink on the way) and remembered. */
export class DirIdentities {
  private readonly ids = new Map<string, DirId>();

  constructor(readonly root: string) {}

  /** Identity of `rel` ('' for the root); every directory from the root down must be a real one. */
  of(rel: string): DirId {
    const hit = this.ids.get(rel);
    if (hit) return hit;
    if (rel !== '') this.of(parentRel(rel));
    const st = lstatSync(this.abs(rel), { throwIfNoEntry: false });
    if (!st?.isDirectory())
      throw new PlaceChangedError(
        this.abs(rel),
        st ? 'not a real directory (a symlink or a file)' : 'directory missing',
      );
    const id = { dev: st.dev, ino: st.ino };
    this.ids.set(rel, id);
    return id;
  }

  /** Like `of`, creating `rel` (and missing parents) first when it is absent. */
  ensure(rel: string): DirId {
    if (!this.ids.has(rel) && !lstatSync(this.abs(rel), { throwIfNoEntry: false }))
      mkdirSync(this.abs(rel), { recursive: true, mode: 0o755 });
    return this.of(rel);
  }

  /** Throw unless `rel` is still the directory `of(rel)` found (one lstat). */
  check(rel: string): void {
    const id = this.of(rel);
    const st = lstatSync(this.abs(rel), { throwIfNoEntry: false });
    if (!st?.isDirectory() || st.dev !== id.dev || st.ino !== id.ino)
      throw new PlaceChangedError(this.abs(rel), 'the directory changed while it was written to');
  }

  private abs(rel: string): string {
    return rel ? `${this.root}/${rel}` : this.root;
  }
}

/** The stamp of a stat, as `Expected`. */
export function stampOf(st: Pick<Stats, 'ino' | 'size' | 'mtimeMs' | 'ctimeMs'>): Expected {
  return { kind: 'stamp', ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

/** Relative directory of a relative path ('' for the root). */
export function parentRel(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

/** A root directory's real path, resolved once (the root may sit behind a symlink of the user's). */
export class RealRoot {
  private real: string | undefined;
  constructor(private readonly dir: string) {}

  /** Throw unless the staged file lives at its own path under the root, not wherever a swapped-in symlink led. */
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
