/** The one atomic-write helper: temp file in the same directory, fsync, rename. Never a partial file. */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx', mode);
  let stat;
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // open()'s mode is filtered by the umask
    await fh.sync();
    stat = await fh.stat();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return { size: stat.size, mtimeMs: stat.mtimeMs };
}

/** fsync a directory so renames and unlinks in it survive a crash. */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    await fh?.close();
  }
}
