/**
 * Thin file watchers (no logic): report changed paths under a tree, resolve once ready.
 *
 * One inotify watch per directory and none per file: a directory watch already reports every change to
 * its entries (create, delete, rename, write, chmod) with the entry's name, and a watch per file would
 * multiply the watches and the memory they hold (docs/decisions/001-per-directory-watcher.md).
 *
 * The entry point; the parts, one concept each: dir-tree-watcher.ts (a watched tree kept in line),
 * watch-set.ts (its watched directories), watch-walk.ts (the walk that adds them), watch-scope.ts (which
 * root entries are watched below), watch-events.ts (event to path, ignored paths), watch-types.ts.
 */
import { watch as fsWatch } from 'node:fs';
import { DirTreeWatcher } from './dir-tree-watcher.ts';
import type { ScopedTreeWatcher, TreeWatcher, WatchOptions } from './watch-types.ts';

export type { ScopedTreeWatcher, TreeWatcher, WatchOptions } from './watch-types.ts';

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
 * Used for the state files: a file watch follows the inode, so it misses a file replaced by rename right
 * after an in-place write; a directory watch sees every replacement.
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
