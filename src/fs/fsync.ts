/** fsync of a file or directory already in place: what makes a write, a rename or an unlink survive a crash. */
import { closeSync, fsync, openSync } from 'node:fs';
import { promisify } from 'node:util';

/** fsync an open descriptor, on the thread pool (the event loop goes on while the disk flushes). */
export const fsyncFd: (fd: number) => Promise<void> = promisify(fsync);

/**
 * The fsync of one open descriptor, `path` naming what it is open on: the writer takes it as a dependency, so a
 * failing disk can be played in a test by path.
 */
export type Fsync = (fd: number, path: string) => Promise<void>;

/** The real fsync. */
export const fsyncOpen: Fsync = (fd) => fsyncFd(fd);

/** fsync a file already in place (one written without its own fsync); `missingOk`: a vanished path is fine. */
export async function fsyncPath(path: string, missingOk = false, fsyncOf: Fsync = fsyncOpen): Promise<void> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await fsyncOf(fd, path);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so renames and unlinks in it survive a crash (a directory already gone is fine). */
export function syncDir(dir: string, fsyncOf: Fsync = fsyncOpen): Promise<void> {
  return fsyncPath(dir, true, fsyncOf);
}
