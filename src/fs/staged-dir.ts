/**
 * A whole new directory staged under a temp name (`.<name>.hero-tmp-<pid>-<hex>`, like a temp file) in an
 * existing directory, its files staged inside it at their final relative paths (`stageCopy(..., at)`), made
 * durable with them and renamed into place once: it appears whole, for one rename instead of one per file.
 * The directory it is staged in must be on the filesystem of the final place and must not be scanned by readers
 * of that place: a skill staged inside `skills/` would be found there by Kimi's discovery, which lists hidden
 * directories too.
 */
import { rename, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ignoreErrors } from './ignore-errors.ts';
import { createTemp } from './temp-create.ts';

const renameAsync = promisify(rename);

/**
 * Directories a staged directory could not be renamed out of (EXDEV: the final place is another mount, e.g. a
 * bind mount of the same filesystem, which a device check cannot tell). That publish fails; nothing is staged
 * in them again while this memory lives, so the caller's retry writes file by file. The mounts outlive any one
 * apply: one memory is kept per process.
 */
export class StagingMemory {
  private readonly crossMount = new Set<string>();

  /** False once a directory staged in `inDir` failed to rename into place across mounts (EXDEV). */
  canStageIn(inDir: string): boolean {
    return !this.crossMount.has(resolve(inDir));
  }

  /** publishStagedDir, remembering the directory `tmp` is staged in when the rename fails with EXDEV. */
  async publish(tmp: string, path: string, check?: () => void): Promise<void> {
    try {
      await publishStagedDir(tmp, path, check);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EXDEV') this.crossMount.add(resolve(dirname(tmp)));
      throw err;
    }
  }
}

/** Stage a new directory for `name` in the existing directory `inDir` (or exactly at `at`); returns its temp path. */
export async function stageDir(inDir: string, name: string, at?: string): Promise<string> {
  const { tmp } = await createTemp(join(inDir, name), (t) => mkdir(t, { mode: 0o755 }), at);
  return tmp;
}

/**
 * Rename a durable staged directory into place. `path` must not exist: rename(2) replaces only an empty
 * directory (which holds no bytes to lose) and fails on anything else, in which case the staged directory is
 * removed and the error thrown. `check`, run right before the rename, throws when the place changed.
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
