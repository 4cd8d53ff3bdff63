/**
 * A directory tree watched with one fs.watch per directory (watch-set.ts): it reports every changed path,
 * keeps the watches in line as directories appear, vanish or leave the scope, and waits for a vanished root.
 * Thin: no logic about what a change means.
 */
import { type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CancelTimer, systemClock } from '../clock.ts';
import { eventPath, isIgnored, namesItself } from './watch-events.ts';
import { WatchScope } from './watch-scope.ts';
import { WatchSet } from './watch-set.ts';
import type { ScopedTreeWatcher, WatchOptions } from './watch-types.ts';
import { addTree, type WalkDeps } from './watch-walk.ts';

/** How often a watched root that vanished is looked for again. */
const ROOT_POLL_MS = 500;

/** Watches a directory tree with one fs.watch per directory, following symlinked directories. */
export class DirTreeWatcher implements ScopedTreeWatcher {
  private readonly set: WatchSet;
  private readonly scope: WatchScope;
  private readonly walk: WalkDeps;
  private closed = false;
  private rootGone = false;
  private stopRootPoll: CancelTimer | undefined;

  constructor(
    private readonly root: string,
    private readonly opts: WatchOptions,
    private readonly onPath: (path: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.set = new WatchSet(root, { onEvent: (dir, event, name) => this.onEvent(dir, event, name), onError });
    this.scope = new WatchScope(root, opts);
    this.walk = { set: this.set, scope: this.scope, opts, isClosed: () => this.closed, onPath, onError };
  }

  /** Watch the root and every directory below it. */
  start(): Promise<void> {
    return addTree(this.walk, { dir: this.root, depth: 0, ancestors: [] }, false);
  }

  async rescope(names: Iterable<string>): Promise<void> {
    for (const name of names) {
      const dir = `${this.root}/${name}`;
      if (name === '' || name.includes('/') || this.closed) continue;
      const wanted = this.scope.inScope(dir);
      // In scope and watched in full, or the root itself not watched (its walk will read the scope): nothing to do.
      if (wanted && ((this.set.has(dir) && this.scope.isComplete(dir)) || !this.set.has(this.root))) continue;
      // Otherwise drop what is watched below it (a walk still running there is stale) and, in scope, watch its
      // whole tree afresh (not watched yet, or a walk skipped part of it while it was out of scope).
      const epoch = this.scope.restart(dir);
      this.set.removeTree(dir);
      if (wanted) await addTree(this.walk, { dir, depth: 1, ancestors: this.set.ancestorsOf(dir), epoch }, false);
    }
  }

  count(): number {
    return this.set.count();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopRootPoll?.();
    this.set.closeAll();
  }

  /** Report the path; on a create/delete/rename, watch a new directory or drop the watches of a vanished one. */
  private onEvent(dir: string, event: string, name: string | Buffer | null): void {
    if (this.closed) return;
    const path = eventPath(dir, name);
    const ignored = isIgnored(this.opts, path);
    if (!ignored) this.onPath(path);
    if (event !== 'rename') return;
    // An ignored name is never watched (the walk skips it), so there is nothing to bring in line: our own temp
    // files come and go twice per written file, and a stat for each would add to every edit's work.
    if (path !== dir && !ignored) this.recheck(path);
    if (namesItself(dir, name)) this.recheck(dir);
  }

  /** Bring the watches at `path` in line with what is there now. */
  private recheck(path: string): void {
    let st: Stats | undefined;
    try {
      st = statSync(path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    const node = this.set.get(path);
    if (path === this.root) {
      this.recheckRoot(st);
      return;
    }
    // A rename event at a watched directory means it was moved, deleted or replaced: its watch may be dead
    // even when the new directory has the same inode (ext4 reuses them), so always watch it afresh.
    if (node) this.set.removeTree(path);
    if (!st?.isDirectory()) return;
    const parent = this.set.get(dirname(path));
    if (!parent) return;
    if ((this.opts.depth !== undefined && parent.depth >= this.opts.depth) || !this.scope.inScope(path)) return;
    const epoch = this.scope.epochOf(this.scope.entryOf(path));
    void addTree(this.walk, { dir: path, depth: parent.depth + 1, epoch }, true).catch(this.onError);
  }

  /** The root was moved, deleted or replaced: drop its watches and watch it again once it is a directory. */
  private recheckRoot(st: Stats | undefined): void {
    if (st?.isDirectory() && this.set.get(this.root)?.ino === st.ino && !this.rootGone) return;
    this.set.removeTree(this.root);
    this.rootGone = true;
    if (this.stopRootPoll) return;
    this.stopRootPoll = (this.opts.clock ?? systemClock).setRepeating(() => {
      if (this.closed || !statSync(this.root, { throwIfNoEntry: false })?.isDirectory()) return;
      this.stopRootPoll?.();
      this.stopRootPoll = undefined;
      this.rootGone = false;
      void addTree(this.walk, { dir: this.root, depth: 0, ancestors: [] }, true).catch(this.onError);
    }, ROOT_POLL_MS);
  }
}
