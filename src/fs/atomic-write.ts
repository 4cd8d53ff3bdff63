/**
 * The one atomic-write helper family: a temp file beside the target, made durable, renamed into place. Never
 * a partial file. `writeFileAtomic` does the three steps for one file (fsync in the middle); apply stages a
 * batch (`stageFile`, `stageCopy`), makes it durable together (a shared syncfs, or `fsyncStaged` of each) and
 * only then publishes it. Creating and renaming run on the thread pool, where inode creation (tens of
 * microseconds of journal work each) overlaps the event loop; writes, stats and closes of these small files
 * are synchronous (docs/performance.md).
 */
import {
  chmodSync,
  closeSync,
  constants,
  copyFile,
  createReadStream,
  createWriteStream,
  fchmodSync,
  fstatSync,
  fsync,
  lstatSync,
  open,
  openSync,
  readlinkSync,
  rename,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { tempPathFor } from './temp-names.ts';

const fsyncAsync = promisify(fsync);
const openAsync = promisify(open);
const renameAsync = promisify(rename);
const copyFileAsync = promisify(copyFile);

/** Result of one atomic write: the stat of what now sits at the path. */
export interface WrittenFile {
  size: number;
  mtimeMs: number;
}

/**
 * Create a temp file beside `path` with `create(tmp)`, or exactly at `at` (a path inside a staged directory,
 * which is itself the temp name). Beside `path`, parents are created when the first attempt says they are
 * missing (not once per file) and a name left by an earlier process with our pid is skipped. At `at` nothing
 * is created or retried: its directory was made by the caller, and if it is gone (swept, or removed by hand)
 * the write fails rather than recreate it and publish a partial skill.
 */
async function createTemp<T>(
  path: string,
  create: (tmp: string) => Promise<T>,
  at?: string,
): Promise<{ tmp: string; made: T }> {
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
  /** Filesystem and inode of the temp file (the syncfs it needs; how it is found again). */
  dev: number;
  ino: number;
  /** Keep `fd` open until published or discarded: through it the temp is found wherever its directory moved. */
  hold?: boolean;
  size: number;
  mtimeMs: number;
}

/**
 * First half of an atomic write: the temp file beside `path` with `data` and `mode`, left open. The caller
 * makes it durable (`fsyncStaged`, or a syncfs of the filesystem for a batch) and only then `publishStaged`
 * renames it into place.
 */
export async function stageFile(
  path: string,
  data: Buffer | string,
  mode: number,
  at?: string,
  hold = false,
): Promise<StagedFile> {
  const { tmp, made: fd } = await createTemp(path, (t) => openAsync(t, 'wx', mode), at);
  return fillStaged(path, tmp, fd, mode, hold, async () => writeFileSync(fd, data));
}

/**
 * Fill a temp file just created and open, set its mode, and describe it. On failure it is removed wherever it
 * now is (its descriptor says where, should its directory have been moved meanwhile).
 */
async function fillStaged(
  path: string,
  tmp: string,
  fd: number,
  mode: number,
  hold: boolean,
  fill: () => Promise<void>,
): Promise<StagedFile> {
  const first = fstatSync(fd);
  const file: StagedFile = { path, tmp, fd, dev: first.dev, ino: first.ino, size: 0, mtimeMs: 0, hold };
  try {
    await fill();
    const stat = fstatSync(fd);
    if ((stat.mode & 0o7777) !== mode) fchmodSync(fd, mode); // open()'s mode is filtered by the umask
    file.size = stat.size;
    file.mtimeMs = stat.mtimeMs;
    return file;
  } catch (err) {
    discardStaged([file]);
    throw err;
  }
}

/**
 * Stage a copy of the file at `from` (the kernel copies the bytes, on the thread pool: no buffer passes through
 * this process). The temp file is created exclusively; `mode` is set on it. Its descriptor is opened only if
 * it needs an fsync (`fd` -1 until then). `at`: stage it there, inside a staged directory (see stageDir).
 */
export async function stageCopy(
  path: string,
  from: string,
  mode: number,
  at?: string,
  hold = false,
): Promise<StagedFile> {
  if (hold) {
    // Held: created and filled through one descriptor, streamed (bounded memory whatever the file's size).
    const { tmp, made: fd } = await createTemp(path, (t) => openAsync(t, 'wx', mode), at);
    return fillStaged(path, tmp, fd, mode, hold, () =>
      pipeline(createReadStream(from), createWriteStream('', { fd, autoClose: false })),
    );
  }
  const { tmp } = await createTemp(path, (t) => copyFileAsync(from, t, constants.COPYFILE_EXCL), at);
  try {
    let stat = statSync(tmp);
    if ((stat.mode & 0o7777) !== mode) {
      chmodSync(tmp, mode);
      stat = statSync(tmp);
    }
    return { path, tmp, fd: -1, dev: stat.dev, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, hold };
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

/** Close a staged file's descriptor once it is durable (it stays a temp file until published); a held one only with `force`. */
export function closeStaged(file: StagedFile, force = false): void {
  if (file.fd < 0 || (file.hold && !force)) return;
  ignoreErrors(() => closeSync(file.fd));
  file.fd = -1;
}

/**
 * Rename a durable staged file into place (on the thread pool, like its creation). `check`, run right before
 * the rename, throws when the place is no longer as observed: the temp file is then removed wherever it is.
 */
export async function publishStaged(file: StagedFile, check?: () => void): Promise<void> {
  try {
    check?.();
    await renameAsync(file.tmp, file.path);
    closeStaged(file, true);
  } catch (err) {
    discardStaged([file]);
    throw err;
  }
}

/**
 * Where a staged temp file is now: through its open descriptor (Linux /proc), which follows a directory that was
 * moved; else its path, if that still leads to it. Undefined when it cannot be found.
 */
export function locateStaged(file: StagedFile): string | undefined {
  const candidates = [file.tmp];
  if (file.fd >= 0) {
    try {
      const now = readlinkSync(`/proc/self/fd/${file.fd}`);
      if (!now.endsWith(' (deleted)')) candidates.unshift(now);
    } catch {
      // no /proc: the path is all there is
    }
  }
  return candidates.find((p) => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    return st?.isFile() && st.ino === file.ino && st.dev === file.dev;
  });
}

/**
 * A whole new directory staged under a temp name (`.<name>.hero-tmp-<pid>-<hex>`, like a temp file) in the
 * existing directory `inDir`, for `name`: its files are staged inside it at their final relative paths
 * (`stageCopy(..., at)`), made durable with it, and it is renamed into place once (`publishStagedDir`), so a
 * new skill appears whole and costs one rename instead of one per file. `inDir` must be on the filesystem of
 * the final place and must not be scanned by readers of that place: a skill staged inside `skills/` would be
 * found there by Kimi's discovery, which lists hidden directories too.
 */
export async function stageDir(inDir: string, name: string, at?: string): Promise<string> {
  const { tmp } = await createTemp(join(inDir, name), (t) => mkdir(t, { mode: 0o755 }), at);
  return tmp;
}

/**
 * Rename a durable staged directory into place. `path` must not exist: rename(2) replaces only an empty
 * directory (which holds no bytes to lose) and fails on anything else, in which case the staged directory is
 * removed and the error thrown.
 */
export async function publishStagedDir(tmp: string, path: string, check?: () => void): Promise<void> {
  try {
    check?.();
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
    // Found and removed in one go unless its directory moves in between: look again a few times.
    for (let attempt = 0; attempt < 8; attempt++) {
      const at = locateStaged(f);
      if (!at) break;
      try {
        unlinkSync(at);
        break;
      } catch {
        // moved meanwhile
      }
    }
    closeStaged(f, true);
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
