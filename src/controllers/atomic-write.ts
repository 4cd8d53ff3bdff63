/**
 * The one atomic-write helper family: a temp file beside the target, made durable, renamed into place. Never
 * a partial file. `writeFileAtomic` does the three steps for one file (fsync in the middle); apply stages a
 * batch (`stageFile`, `stageCopy`), makes it durable together (a shared syncfs, or `fsyncStaged` of each) and
 * only then publishes it. Creating and renaming run on the thread pool, where inode creation (tens of
 * microseconds of journal work each) overlaps the event loop; writes, stats and closes of these small files
 * are synchronous (docs/performance.md).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, copyFile, fchmodSync, fstatSync, fsync, open, openSync, rename, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
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

/**
 * Create a temp file beside `path` with `create(tmp)`, or exactly at `at` (a path inside a staged directory,
 * which is itself the temp name). Beside `path`, parents are created when the first attempt says they are
 * missing (not once per file) and a name left by an earlier process with our pid is skipped. At `at` nothing
 * is created or retried: its directory was made by the caller, and if it is gone (swept, or removed by hand)
 * the write fails rather than recreate it and publish a partial skill.
 */
async function createTemp<T>(path: string, create: (tmp: string) => Promise<T>, at?: string): Promise<{ tmp: string; made: T }> {
  if (at !== undefined) return { tmp: at, made: await create(at) };
  for (let attempt = 0; ; attempt++) {
    const tmp = tempPathFor(path);
    try {
      return { tmp, made: await create(tmp) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT after the directory exists (a copy whose source is gone) is thrown by the second attempt.
      if (code === 'ENOENT' && attempt === 0) await mkdir(dirname(tmp), { recursive: true, mode: 0o755 });
      else if (code !== 'EEXIST' || attempt > 8) throw err;
    }
  }
}

/** Write `data` to `path` atomically with `mode` (temp file, fsync, rename); parents are created. */
export async function writeFileAtomic(path: string, data: Buffer | string, mode: number): Promise<WrittenFile> {
  const staged = await stageFile(path, data, mode);
  try {
    await fsyncStaged(staged);
    await publishStaged(staged);
  } catch (err) {
    discardStaged([staged]);
    throw err;
  }
  return { size: staged.size, mtimeMs: staged.mtimeMs };
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
 * First half of an atomic write: the temp file beside `path` with `data` and `mode`, left open. The caller
 * makes it durable (`fsyncStaged`, or a syncfs of the filesystem for a batch) and only then `publishStaged`
 * renames it into place.
 */
export async function stageFile(path: string, data: Buffer | string, mode: number, at?: string): Promise<StagedFile> {
  const { tmp, made: fd } = await createTemp(path, (t) => openAsync(t, 'wx', mode), at);
  try {
    writeFileSync(fd, data);
    const stat = fstatSync(fd);
    if ((stat.mode & 0o7777) !== mode) fchmodSync(fd, mode); // open()'s mode is filtered by the umask
    return { path, tmp, fd, dev: stat.dev, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch (err) {
    ignoreErrors(() => closeSync(fd));
    ignoreErrors(() => unlinkSync(tmp));
    throw err;
  }
}

/**
 * Stage a copy of the file at `from` (the kernel copies the bytes, on the thread pool: no buffer passes through
 * this process). The temp file is created exclusively; `mode` is set on it. Its descriptor is opened only if
 * it needs an fsync (`fd` -1 until then). `at`: stage it there, inside a staged directory (see stageDir).
 */
export async function stageCopy(path: string, from: string, mode: number, at?: string): Promise<StagedFile> {
  const { tmp } = await createTemp(path, (t) => copyFileAsync(from, t, constants.COPYFILE_EXCL), at);
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

/**
 * A whole new directory staged under a temp name (`.<name>.hero-tmp-<pid>-<hex>`, like a temp file) in the
 * existing directory `inDir`, for `name`: its files are staged inside it at their final relative paths
 * (`stageCopy(..., at)`), made durable with it, and it is renamed into place once (`publishStagedDir`), so a
 * new skill appears whole and costs one rename instead of one per file. `inDir` must be on the filesystem of
 * the final place and must not be scanned by readers of that place: a skill staged inside `skills/` would be
 * found there by Kimi's discovery, which lists hidden directories too.
 */
export async function stageDir(inDir: string, name: string): Promise<string> {
  const { tmp } = await createTemp(join(inDir, name), (t) => mkdir(t, { mode: 0o755 }));
  return tmp;
}

/**
 * Rename a durable staged directory into place. `path` must not exist: rename(2) replaces only an empty
 * directory (which holds no bytes to lose) and fails on anything else, in which case the staged directory is
 * removed and the error thrown.
 */
export async function publishStagedDir(tmp: string, path: string): Promise<void> {
  try {
    await renameAsync(tmp, path);
  } catch (err) {
    discardStagedDir(tmp);
    throw err;
  }
}

/** Remove a staged directory that will not be published (ours entirely: created exclusively under a temp name). */
export function discardStagedDir(tmp: string): void {
  ignoreErrors(() => rmSync(tmp, { recursive: true, force: true }));
}

/** Drop staged files that will not be published (an error elsewhere in the batch). */
export function discardStaged(files: Iterable<StagedFile>): void {
  for (const f of files) {
    closeStaged(f);
    ignoreErrors(() => unlinkSync(f.tmp));
  }
}

/** fsync a file already in place (one written without its own fsync); `missingOk`: a vanished path is fine. */
export async function fsyncPath(path: string, missingOk = false): Promise<void> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so renames and unlinks in it survive a crash (a directory already gone is fine). */
export function syncDir(dir: string): Promise<void> {
  return fsyncPath(dir, true);
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // best-effort cleanup
  }
}
