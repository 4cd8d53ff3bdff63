/**
 * The set of watched directories of one tree: one fs.watch per directory, none per file (a directory watch
 * already reports every change to its entries by name; docs/decisions/001-per-directory-watcher.md).
 */
import { type FSWatcher, watch as fsWatch, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/** One watched directory (kept small: there is one per directory of the registry and of every role). */
export interface WatchedDir {
  watcher: FSWatcher;
  ino: number;
  depth: number;
  /** Watched subdirectories (created on demand). */
  kids?: Set<string>;
}

/** The directory an FSWatcher watches, stored on the watcher so one pair of listeners serves them all. */
const WATCHED_DIR = Symbol('watchedDir');
type TaggedWatcher = FSWatcher & { [WATCHED_DIR]: string };

/** Where the set reports: every event with the directory it came from, and a watch's error (the watch is dropped). */
export interface WatchSetEvents {
  onEvent(dir: string, event: string, name: string | Buffer | null): void;
  onError(err: unknown): void;
}

/** The watched directories of the tree at `root`, each with its subdirectories, so a subtree is dropped at once. */
export class WatchSet {
  private readonly dirs = new Map<string, WatchedDir>();
  /** Shared listeners (`this` is the FSWatcher), instead of two closures per directory. */
  private readonly listeners = (() => {
    const set = this;
    return {
      change(this: TaggedWatcher, event: string, name: string | Buffer | null) {
        set.events.onEvent(this[WATCHED_DIR], event, name);
      },
      error(this: TaggedWatcher, err: unknown) {
        set.events.onError(err);
        set.removeTree(this[WATCHED_DIR]);
      },
    };
  })();

  constructor(
    private readonly root: string,
    private readonly events: WatchSetEvents,
  ) {}

  /** Directories watched now (one inotify watch each). */
  count(): number {
    return this.dirs.size;
  }

  get(dir: string): WatchedDir | undefined {
    return this.dirs.get(dir);
  }

  has(dir: string): boolean {
    return this.dirs.has(dir);
  }

  /** Watch `dir` (inode `ino`, `depth` levels below the root); throws what fs.watch throws. */
  add(dir: string, ino: number, depth: number): void {
    const watcher = fsWatch(dir, { persistent: true }) as TaggedWatcher;
    watcher[WATCHED_DIR] = dir;
    watcher.on('change', this.listeners.change);
    watcher.on('error', this.listeners.error);
    this.dirs.set(dir, { watcher, ino, depth });
    const parent = this.dirs.get(dirname(dir));
    if (parent && dir !== this.root) (parent.kids ??= new Set()).add(dir);
  }

  /** Stop watching a directory and everything below it. */
  removeTree(path: string): void {
    const node = this.dirs.get(path);
    if (!node) return;
    for (const kid of node.kids ?? []) this.removeTree(kid);
    node.watcher.close();
    this.dirs.delete(path);
    this.dirs.get(dirname(path))?.kids?.delete(path);
  }

  /** Stop every watch. */
  closeAll(): void {
    for (const d of this.dirs.values()) d.watcher.close();
    this.dirs.clear();
  }

  /** Real paths of the watched directories above `path` (looked up: directories added after start are rare). */
  ancestorsOf(path: string): string[] {
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
}
