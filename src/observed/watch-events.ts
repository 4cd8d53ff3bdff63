/** From an fs.watch event to the path it reports, and the paths no watcher reports nor watches. */
import type { Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { TEMP_FILE_RE } from '../fs/temp-names.ts';
import type { WatchOptions } from './watch-types.ts';

/** Version control and dependency trees, and editor swap, backup and temp files. */
const NOISE_RE = /(^|[/\\])(\.git|node_modules)([/\\]|$)|(~|\.swp|\.swx)$|[/\\](\.#[^/\\]*|\.[^/\\]+\.tmp)$/;

/** True for a path neither reported nor watched: noise, our own temp files, or what `opts.ignore` says. */
export function isIgnored(opts: WatchOptions, path: string, st?: Stats): boolean {
  return NOISE_RE.test(path) || TEMP_FILE_RE.test(path.slice(path.lastIndexOf('/') + 1)) || !!opts.ignore?.(path, st);
}

/** The path an event of the watch on `dir` is about: the entry it names, or `dir` itself when it names none. */
export function eventPath(dir: string, name: string | Buffer | null): string {
  return name ? join(dir, name.toString()) : dir;
}

/** True when the event names the watched directory itself: it was deleted or moved away. */
export function namesItself(dir: string, name: string | Buffer | null): boolean {
  return !!name && name.toString() === basename(dir);
}
