/**
 * Staging a file, the first half of an atomic write: the temp file beside `path` (or at `at`, inside a staged
 * directory) with its bytes and mode. Creation runs on the thread pool, where inode creation overlaps the event
 * loop; writes and stats of these small files are synchronous.
 */
import {
  chmodSync,
  constants,
  copyFile,
  createReadStream,
  createWriteStream,
  fchmodSync,
  fstatSync,
  open,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { ignoreErrors } from './ignore-errors.ts';
import { discardStaged, type StagedFile } from './staged-file.ts';
import { createTemp } from './temp-create.ts';

const openAsync = promisify(open);
const copyFileAsync = promisify(copyFile);

/**
 * The temp file beside `path` with `data` and `mode`, left open. The caller makes it durable (`fsyncStaged`, or
 * a syncfs of the filesystem for a batch) and only then `publishStaged` renames it into place.
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
