/**
 * A staged file: a temp file beside its target, written and still open, not yet durable nor visible under its
 * final name. It is made durable (its own fsync, or a syncfs of its filesystem for a batch: DurableBatch), then
 * published by a rename, or discarded wherever it now is. Renames run on the thread pool, where their journal
 * work overlaps the event loop; closes and unlinks of these small files are synchronous.
 */
import { closeSync, lstatSync, openSync, readlinkSync, rename, unlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Fsync, fsyncOpen } from './fsync.ts';
import { ignoreErrors } from './ignore-errors.ts';

const renameAsync = promisify(rename);

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

/** fsync a staged file and close it (after a syncfs this only confirms that its writeback did not fail). */
export async function fsyncStaged(file: StagedFile, fsyncOf: Fsync = fsyncOpen): Promise<void> {
  try {
    if (file.fd < 0) file.fd = openSync(file.tmp, 'r');
    await fsyncOf(file.fd, file.tmp);
  } finally {
    closeStaged(file);
  }
}

/** Close a staged file's descriptor once durable (it stays a temp file until published); a held one only by `force`. */
export function closeStaged(file: StagedFile, force = false): void {
  if (file.fd < 0 || (file.hold && !force)) return;
  ignoreErrors(() => closeSync(file.fd));
  file.fd = -1;
}

/**
 * Rename a durable staged file into place. `check`, run right before the rename, throws when the place is no
 * longer as observed: the temp file is then removed wherever it is.
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
export function locateStaged(file: Pick<StagedFile, 'tmp' | 'fd' | 'dev' | 'ino'>): string | undefined {
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
