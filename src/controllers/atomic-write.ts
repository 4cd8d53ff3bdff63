/**
 * The one atomic-write helper: temp file in the same directory, fsync, rename. Never a partial file.
 *
 * Only fsync, the one call that waits for the disk, runs on the thread pool; open, write, chmod, stat,
 * close and rename are synchronous. Each of them completes in microseconds against the page cache, and as
 * promise-based calls they cost several times that in thread-pool round trips: most of a cold convergence
 * (docs/performance.md).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, copyFile, fchmodSync, fstatSync, fsync, mkdirSync, open, openSync, rename, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);
const openAsync = promisify(open);
const renameAsync = promisify(rename);
const copyFileAsync = promisify(copyFile);

/** Temp files this helper creates: `.<name>.hero-tmp-<pid>-<hex>`; anything matching is ours to sweep. */
export const TEMP_FILE_RE = /^\..+\.hero-tmp-\d+-[0-9a-f]{8}$/;

/** Result of one atomic write: the stat of what now sits at the path. */
export interface WrittenFile {
  size: number;
  mtimeMs: number;
}

/** Temp-name suffixes: a random start, then a counter (a random draw per file was a measurable share of a cold sync). */
let tempSeq = randomBytes(4).readUInt32BE(0);

/** Temp path beside `path` that the sweep recognises. */
export function tempPathFor(path: string): string {
  tempSeq = (tempSeq + 1) >>> 0;
  return join(dirname(path), `.${basename(path)}.hero-tmp-${process.pid}-${tempSeq.toString(16).padStart(8, '0')}`);
}

/** Create the temp file beside `path`, creating parents only when they are missing (not once per file). */
function openTemp(path: string, mode: number): { fd: number; tmp: string } {
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(path);
    try {
      return { fd: openSync(tmp, 'wx', mode), tmp };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && attempt === 0) mkdirSync(dirname(path), { recursive: true });
      else if (code !== 'EEXIST' || attempt > 8) throw err; // EEXIST: a leftover of an earlier process with our pid
    }
  }
}

/** Write `data` to `path` atomically with `mode`; parents are created. */
export async function writeFileAtomic(path: string, data: Buffer | string, mode: number): Promise<WrittenFile> {
  const { fd, tmp } = openTemp(path, mode);
  let stat: Stats;
  try {
    writeFileSync(fd, data);
    stat = fstatSync(fd);
    if ((stat.mode & 0o7777) !== mode) fchmodSync(fd, mode); // open()'s mode is filtered by the umask
    await fsyncAsync(fd);
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

/** A temp file written and still open, not yet durable nor visible under its final name. */
export interface StagedFile {
  path: string;
  tmp: string;
  fd: number;
  /** Filesystem of the temp file (the syncfs it needs). */
  dev: number;
  size: number;
  mtimeMs: number;
}

/**
 * First half of an atomic write for a batch: the temp file beside `path` with `data` and `mode`, left open.
 * The caller makes the batch durable (a shared syncfs, then `fsyncStaged` of each, which is cheap by then and
 * reports a writeback error of this file), and only then `publishStaged` renames it into place.
 */
export async function stageFile(path: string, data: Buffer | string, mode: number): Promise<StagedFile> {
  const { fd, tmp } = await openTempAsync(path, mode);
  try {
    writeFileSync(fd, data);
    const stat = fstatSync(fd);
    if ((stat.mode & 0o7777) !== mode) fchmodSync(fd, mode);
    return { path, tmp, fd, dev: stat.dev, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (err) {
    ignoreErrors(() => closeSync(fd));
    ignoreErrors(() => unlinkSync(tmp));
    throw err;
  }
}

/**
 * openTemp on the thread pool. Creating an inode is the one expensive step of staging a small file (tens of
 * microseconds of journal work); in a batch, with no fsync occupying the pool, it runs beside the event loop.
 */
async function openTempAsync(path: string, mode: number): Promise<{ fd: number; tmp: string }> {
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(path);
    try {
      return { fd: await openAsync(tmp, 'wx', mode), tmp };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && attempt === 0) await mkdir(dirname(path), { recursive: true });
      else if (code !== 'EEXIST' || attempt > 8) throw err;
    }
  }
}

/**
 * Stage a copy of the file at `from` (the kernel copies the bytes, on the thread pool: no buffer passes through
 * this process). The temp file is created exclusively; `mode` is set on it. Its descriptor is opened only if
 * it needs an fsync (`fd` -1 until then).
 */
export async function stageCopy(path: string, from: string, mode: number): Promise<StagedFile> {
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(path);
    try {
      await copyFileAsync(from, tmp, constants.COPYFILE_EXCL);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT: the target's directory is missing (created once), or else the source is gone (thrown on retry).
      if (code === 'ENOENT' && attempt === 0) {
        await mkdir(dirname(path), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST' || attempt > 8) throw err;
      continue;
    }
    try {
      let stat = statSync(tmp);
      if ((stat.mode & 0o7777) !== mode) {
        chmodSync(tmp, mode);
        stat = statSync(tmp);
      }
      return { path, tmp, fd: -1, dev: stat.dev, size: stat.size, mtimeMs: stat.mtimeMs };
    } catch (err) {
      ignoreErrors(() => unlinkSync(tmp));
      throw err;
    }
  }
}

/** fsync a staged file and close it (after a syncfs this only confirms that its writeback did not fail). */
export async function fsyncStaged(file: StagedFile): Promise<void> {
  try {
    if (file.fd < 0) file.fd = openSync(file.tmp, 'r');
    await fsyncAsync(file.fd);
  } finally {
    closeStaged(file);
  }
}

/** Close a staged file's descriptor once it is durable (it stays a temp file until published). */
export function closeStaged(file: StagedFile): void {
  if (file.fd < 0) return;
  ignoreErrors(() => closeSync(file.fd));
  file.fd = -1;
}

/** Rename a durable staged file into place (on the thread pool, like its creation). */
export async function publishStaged(file: StagedFile): Promise<void> {
  closeStaged(file);
  try {
    await renameAsync(file.tmp, file.path);
  } catch (err) {
    ignoreErrors(() => unlinkSync(file.tmp));
    throw err;
  }
}

/** Drop staged files that will not be published (an error elsewhere in the batch). */
export function discardStaged(files: Iterable<StagedFile>): void {
  for (const f of files) {
    closeStaged(f);
    ignoreErrors(() => unlinkSync(f.tmp));
  }
}

/** fsync a file already in place (one written without its own fsync). */
export async function fsyncPath(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
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
