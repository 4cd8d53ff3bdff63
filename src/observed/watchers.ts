/** Thin chokidar wrapper (no logic): watch a tree, report paths, resolve once ready. */
import { watch, type FSWatcher } from 'chokidar';
import { watch as fsWatch, type Stats } from 'node:fs';
import { TEMP_FILE_RE } from '../controllers/atomic-write.ts';

/** A running watcher. */
export interface TreeWatcher {
  close(): Promise<void>;
}

/** Options of watchTree. */
export interface WatchOptions {
  depth?: number;
  /** Extra path predicate: true means ignore. */
  ignore?: (path: string, stats?: Stats) => boolean;
}

const NOISE_RE = /(^|[/\\])(\.git|node_modules)([/\\]|$)|(~|\.swp|\.swx)$|[/\\](\.#[^/\\]*|\.[^/\\]+\.tmp)$/;

/** Watch `root`; `onPath` gets every add/change/unlink of files and directories once the initial scan is done. */
export async function watchTree(root: string, opts: WatchOptions, onPath: (path: string) => void, onError: (err: unknown) => void): Promise<TreeWatcher> {
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    depth: opts.depth,
    ignored: (p: string, st?: Stats) => NOISE_RE.test(p) || TEMP_FILE_RE.test(p.slice(p.lastIndexOf('/') + 1)) || !!opts.ignore?.(p, st),
  });
  watcher.on('all', (_event, path) => onPath(path));
  watcher.on('error', onError);
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}

/**
 * Watch the direct children of one directory with a single inotify watch on the directory itself.
 * Used for the state files: chokidar watches each file's inode, and a file replaced by rename right
 * after an in-place write was missed; a directory watch sees every replacement.
 */
export function watchDirEntries(dir: string, onName: (name: string) => void, onError: (err: unknown) => void): TreeWatcher {
  const watcher = fsWatch(dir, { persistent: true }, (_event, name) => {
    if (name) onName(name.toString());
  });
  watcher.on('error', onError);
  return { close: async () => watcher.close() };
}
