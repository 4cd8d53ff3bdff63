/**
 * Thin file watchers (no logic): report changed paths under a tree, resolve once ready.
 *
 * One inotify watch per directory and none per file: a directory watch already reports every change to
 * its entries (create, delete, rename, write, chmod) with the entry's name, and a watch per file would
 * multiply the watches and the memory they hold (docs/decisions/001-per-directory-watcher.md).
 */

import { type FSWatcher, watch as fsWatch, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type CancelTimer, type Scheduler, systemClock, TimeSlicer } from '../clock.ts';
import { TEMP_FILE_RE } from '../fs/temp-names.ts';

/** A running watcher. */
export interface TreeWatcher {
  close(): Promise<void>;
  /** Directories watched now (one inotify watch each). */
  count(): number;
}

/** A tree watcher that watches below only some entries of its root (WatchOptions.within). */
export interface ScopedTreeWatcher extends TreeWatcher {
  /**
   * Bring the watches below these root entries in line with `within` (after it changed for them): watch the
   * tree of an entry that is now in scope, drop the watches of one that is not. Resolves once the watches are set.
   */
  rescope(names: Iterable<string>): Promise<void>;
}

/** Options of watchTree. */
export interface WatchOptions {
  /** Runs the poll that waits for a vanished root to come back (default: the system clock). */
  clock?: Scheduler;
  /** Levels of subdirectories below the root to watch (default: all). */
  depth?: number;
  /** Extra path predicate: true means ignore (stats are given for directories being added). */
  ignore?: (path: string, stats?: Stats) => boolean;
  /**
   * Root entries whose trees are watched (default: all; read each time, so the scope may change: call
   * `rescope` for the names it changed for). The root's own watch still reports every entry of the root.
   */
  within?: (name: string) => boolean;
}

const NOISE_RE = /(^|[/\\])(\.git|node_modules)([/\\]|$)|(~|\.swp|\.swx)$|[/\\](\.#[^/\\]*|\.[^/\\]+\.tmp)$/;
/** How often a watched root that vanished is looked for again. */
const ROOT_POLL_MS = 500;
/** Longest stretch the initial walk runs before yielding to the event loop. */
const SLICE_MS = 20;

/** One watched directory (kept small: there is one per directory of the registry and of every role). */
interface WatchedDir {
  watcher: FSWatcher;
  ino: number;
  depth: number;
  /** Watched subdirectories (created on demand). */
  kids?: Set<string>;
}

/** The directory an FSWatcher watches, stored on the watcher so one pair of listeners serves them all. */
const WATCHED_DIR = Symbol('watchedDir');
type TaggedWatcher = FSWatcher & { [WATCHED_DIR]: string };

/** A directory to add: where, how deep, the real paths above it, and its real path when known without a lookup. */
interface PendingDir {
  dir: string;
  depth: number;
  ancestors: readonly string[];
  real?: string;
  /** Below the root: the scope epoch of its root entry when the walk reached it (a stale walk stops). */
  epoch?: number;
}

/** Watches a directory tree with one fs.watch per directory, following symlinked directories. */
class DirTreeWatcher implements ScopedTreeWatcher {
  private readonly dirs = new Map<string, WatchedDir>();
  /** Root entries taken out of scope, by path: how many times (a walk begun before is stale). */
  private readonly epochs = new Map<string, number>();
  /** Root entries part of whose tree a walk skipped because they were out of scope then (rescope walks them again). */
  private readonly incomplete = new Set<string>();
  private closed = false;
  private rootGone = false;
  private stopRootPoll: CancelTimer | undefined;
  /** Shared listeners (`this` is the FSWatcher), instead of two closures per directory. */
  private readonly listeners = (() => {
    const tree = this;
    return {
      change(this: TaggedWatcher, event: string, name: string | Buffer | null) {
        tree.onEvent(this[WATCHED_DIR], event, name);
      },
      error(this: TaggedWatcher, err: unknown) {
        tree.onError(err);
        tree.removeTree(this[WATCHED_DIR]);
      },
    };
  })();

  constructor(
    private readonly root: string,
    private readonly opts: WatchOptions,
    private readonly onPath: (path: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Watch the root and every directory below it. */
  start(): Promise<void> {
    return this.addTree({ dir: this.root, depth: 0, ancestors: [] }, false);
  }

  async rescope(names: Iterable<string>): Promise<void> {
    for (const name of names) {
      const dir = `${this.root}/${name}`;
      if (name === '' || name.includes('/') || this.closed) continue;
      const wanted = this.inScope(dir);
      // In scope and watched in full, or the root itself not watched (its walk will read the scope): nothing to do.
      if (wanted && ((this.dirs.has(dir) && !this.incomplete.has(dir)) || !this.dirs.has(this.root))) continue;
      // Otherwise drop what is watched below it (a walk still running there is stale) and, in scope, watch its
      // whole tree afresh (not watched yet, or a walk skipped part of it while it was out of scope).
      this.epochs.set(dir, this.epochOf(dir) + 1);
      this.incomplete.delete(dir);
      this.removeTree(dir);
      if (wanted)
        await this.addTree({ dir, depth: 1, ancestors: this.ancestorsOf(dir), epoch: this.epochOf(dir) }, false);
    }
  }

  private epochOf(entry: string): number {
    return this.epochs.get(entry) ?? 0;
  }

  /** The root entry a path below the root lies in (`<root>/<name>`). */
  private rootEntryOf(path: string): string {
    const end = path.indexOf('/', this.root.length + 1);
    return end < 0 ? path : path.slice(0, end);
  }

  /** False for a root entry outside `within` (nothing below it is watched); true for any other path. */
  private inScope(path: string): boolean {
    return !this.opts.within || dirname(path) !== this.root || this.opts.within(basename(path));
  }

  count(): number {
    return this.dirs.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopRootPoll?.();
    for (const d of this.dirs.values()) d.watcher.close();
    this.dirs.clear();
  }

  private ignored(path: string, st?: Stats): boolean {
    return (
      NOISE_RE.test(path) || TEMP_FILE_RE.test(path.slice(path.lastIndexOf('/') + 1)) || !!this.opts.ignore?.(path, st)
    );
  }

  /**
   * Watch a directory and the directories below it (watch first, then list, so nothing created in between is
   * missed). `announce`: report every entry found, for a directory that appeared after start and may have been
   * filled before its watch existed.
   */
  private async addTree(first: PendingDir, announce: boolean): Promise<void> {
    const stack = [first];
    const slicer = new TimeSlicer(SLICE_MS);
    while (stack.length && !this.closed) {
      if (slicer.due()) {
        await slicer.pause();
        continue; // the walk may have been closed meanwhile
      }
      const { dir, depth, ancestors, real: knownReal, epoch } = stack.pop()!;
      if (depth > 0) {
        // Taken out of scope while this walk ran (and maybe back in, by a walk of its own).
        const entry = this.rootEntryOf(dir);
        if (this.epochOf(entry) !== (epoch ?? 0)) continue; // a newer walk of this entry owns it
        if (!this.inScope(entry)) {
          this.incomplete.add(entry);
          continue;
        }
      }
      const real = this.watchDir(dir, depth, ancestors, knownReal);
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
        if (this.ignored(path)) continue;
        if (announce) this.onPath(path);
        const descend = (this.opts.depth === undefined || depth < this.opts.depth) && (depth > 0 || this.inScope(path));
        // A plain subdirectory's real path is its parent's plus its name; only a symlink needs a lookup.
        const kidEpoch = depth === 0 ? this.epochOf(path) : epoch;
        if (descend && e.isDirectory())
          stack.push({ dir: path, depth: depth + 1, ancestors: below, real: `${real}/${e.name}`, epoch: kidEpoch });
        else if (descend && e.isSymbolicLink())
          stack.push({ dir: path, depth: depth + 1, ancestors: below, epoch: kidEpoch });
      }
    }
  }

  /** Start watching one directory (symlinks followed); its real path, or null when it is not a directory, a loop, or already watched. */
  private watchDir(dir: string, depth: number, ancestors: readonly string[], knownReal?: string): string | null {
    let st: Stats | undefined;
    let real: string;
    try {
      st = statSync(dir, { throwIfNoEntry: false });
      if (!st?.isDirectory() || this.ignored(dir, st)) return null;
      real = knownReal ?? realpathSync.native(dir);
    } catch {
      return null; // ENOTDIR, ELOOP, a dangling link, or gone
    }
    const existing = this.dirs.get(dir);
    if (existing?.ino === st.ino) return null;
    if (existing) this.removeTree(dir);
    if (ancestors.includes(real)) return null; // a symlink back up the tree
    let watcher: TaggedWatcher;
    try {
      watcher = fsWatch(dir, { persistent: true }) as TaggedWatcher;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.onError(err);
      return null;
    }
    watcher[WATCHED_DIR] = dir;
    watcher.on('change', this.listeners.change);
    watcher.on('error', this.listeners.error);
    this.dirs.set(dir, { watcher, ino: st.ino, depth });
    const parent = this.dirs.get(dirname(dir));
    if (parent && dir !== this.root) (parent.kids ??= new Set()).add(dir);
    return real;
  }

  /** Report the path; on a create/delete/rename, watch a new directory or drop the watches of a vanished one. */
  private onEvent(dir: string, event: string, name: string | Buffer | null): void {
    if (this.closed) return;
    const path = name ? join(dir, name.toString()) : dir;
    const ignored = this.ignored(path);
    if (!ignored) this.onPath(path);
    if (event !== 'rename') return;
    // An ignored name is never watched (addTree skips it), so there is nothing to bring in line: our own temp
    // files come and go twice per written file, and a stat for each would add to every edit's work.
    if (path !== dir && !ignored) this.recheck(path);
    // A watched directory that is deleted or moved away reports a rename of its own name.
    if (name && name.toString() === basename(dir)) this.recheck(dir);
  }

  /** Bring the watches at `path` in line with what is there now. */
  private recheck(path: string): void {
    let st: Stats | undefined;
    try {
      st = statSync(path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    const node = this.dirs.get(path);
    if (path === this.root) {
      this.recheckRoot(st);
      return;
    }
    // A rename event at a watched directory means it was moved, deleted or replaced: its watch may be dead
    // even when the new directory has the same inode (ext4 reuses them), so always watch it afresh.
    if (node) this.removeTree(path);
    if (!st?.isDirectory()) return;
    const parent = this.dirs.get(dirname(path));
    if (!parent) return;
    if ((this.opts.depth !== undefined && parent.depth >= this.opts.depth) || !this.inScope(path)) return;
    void this.addTree(
      {
        dir: path,
        depth: parent.depth + 1,
        ancestors: this.ancestorsOf(path),
        epoch: this.epochOf(this.rootEntryOf(path)),
      },
      true,
    ).catch(this.onError);
  }

  /** The root was moved, deleted or replaced: drop its watches and watch it again once it is a directory. */
  private recheckRoot(st: Stats | undefined): void {
    if (st?.isDirectory() && this.dirs.get(this.root)?.ino === st.ino && !this.rootGone) return;
    this.removeTree(this.root);
    this.rootGone = true;
    if (this.stopRootPoll) return;
    this.stopRootPoll = (this.opts.clock ?? systemClock).setRepeating(() => {
      if (this.closed || !statSync(this.root, { throwIfNoEntry: false })?.isDirectory()) return;
      this.stopRootPoll?.();
      this.stopRootPoll = undefined;
      this.rootGone = false;
      void this.addTree({ dir: this.root, depth: 0, ancestors: [] }, true).catch(this.onError);
    }, ROOT_POLL_MS);
  }

  /** Real paths of the watched directories above `path` (looked up: directories added after start are rare). */
  private ancestorsOf(path: string): string[] {
    const out: string[] = [];
    for (let p = dirname(path); ; p = dirname(p)) {
      if (this.dirs.has(p)) {
        try {
          out.push(realpathSync.native(p));
        } catch {
          // gone: its own event removes it
        }
      }
      if (p === this.root || p === dirname(p)) return out;
    }
  }

  /** Stop watching a directory and everything below it. */
  private removeTree(path: string): void {
    const node = this.dirs.get(path);
    if (!node) return;
    for (const kid of node.kids ?? []) this.removeTree(kid);
    node.watcher.close();
    this.dirs.delete(path);
    this.dirs.get(dirname(path))?.kids?.delete(path);
  }
}

/** Watch `root`; `onPath` gets the path of every change to files and directories under it, once the watches are set. */
export async function watchTree(
  root: string,
  opts: WatchOptions,
  onPath: (path: string) => void,
  onError: (err: unknown) => void,
): Promise<ScopedTreeWatcher> {
  const tree = new DirTreeWatcher(root, opts, onPath, onError);
  await tree.start();
  return tree;
}

/**
 * Watch the direct children of one directory with a single inotify watch on the directory itself.
 * Used for the state files: a file watch follows the inode, and a file replaced by rename right
 * after an in-place write was missed; a directory watch sees every replacement.
 */
export function watchDirEntries(
  dir: string,
  onName: (name: string) => void,
  onError: (err: unknown) => void,
): TreeWatcher {
  const watcher = fsWatch(dir, { persistent: true }, (_event, name) => {
    if (name) onName(name.toString());
  });
  watcher.on('error', onError);
  return { close: async () => watcher.close(), count: () => 1 };
}
