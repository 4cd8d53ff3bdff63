/**
 * The one atomic-write helper: temp file in the same directory, fsync, rename. Never a partial file.
 *
 * Only fsync, the one call that waits for the disk, runs on the thread pool; open, write, chmod, stat,
 * close and rename are synchronous. Each of them completes in microseconds against the page cache, and as
 * promise-based calls they cost several times that in thread-pool round trips: most of a cold convergence
 * (docs/performance.md).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fstatSync, fsync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

/** Temp files this helper creates: `.<name>.hero-tmp-<pid>-<hex>`; anything matching is ours to sweep. */
export const TEMP_FILE_RE = /^\..+\.hero-tmp-\d+-[0-9a-f]{8}$/;

/** Result of one atomic write: the stat of what now sits at the path. */
export interface WrittenFile {
  size: number;
  mtimeMs: number;
}

/** Temp path beside `path` that the sweep recognises. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.hero-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Write `data` to `path` atomically with `mode`; parents are created. */
export async function writeFileAtomic(path: string, data: Buffer | string, mode: number): Promise<WrittenFile> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'wx', mode);
  let stat: Stats;
  try {
    writeFileSync(fd, data);
    fchmodSync(fd, mode); // open()'s mode is filtered by the umask
    await fsyncAsync(fd);
    stat = fstatSync(fd);
  } catch (err) {
    ignoreErrors(() => closeSync(fd));
    ignoreErrors(() => unlinkSync(tmp));
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (err) {
    ignoreErrors(() => unlinkSync(tmp));
    throw err;
  }
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}

/** fsync a directory so renames and unlinks in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    await fsyncAsync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // best-effort cleanup
  }
}
