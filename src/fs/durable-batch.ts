/**
 * How a batch of staged files is made durable before any of it is published: one shared syncfs of each
 * filesystem the batch touches when the batch is large and syncfs works here, otherwise an fsync of each file
 * and directory, in parallel. The strategy lives here alone (docs/decisions/003-syncfs-batches.md).
 */
import { statSync } from 'node:fs';
import { type Fsync, fsyncOpen, fsyncPath, syncDir } from './fsync.ts';
import { closeStaged, fsyncStaged, type StagedFile } from './staged-file.ts';
import { type SyncBarrier, SyncfsUnavailable } from './syncfs.ts';

/** A batch at least this large is made durable by one shared syncfs rather than an fsync per file. */
export const SYNCFS_MIN_FILES = 16;

/** What else one durability step covers, when it comes to fsyncing each. */
export interface AlsoDurable {
  /** Files already in place whose bytes are not yet flushed. */
  inPlace?: readonly string[];
  /** Directories whose entries (renames, unlinks, new names) must survive a crash. */
  dirs?: readonly string[];
}

/** How one batch is made durable besides its barrier. */
export interface BatchOptions {
  /** Other directories whose filesystem a syncfs covers too (a mount point below the root). */
  alsoUnder?: readonly string[];
  /** The fsync of one descriptor (default: the real one). */
  fsync?: Fsync;
  /**
   * The error a failed step throws, given the path it failed on (a file, a directory, or a path on the
   * filesystem a syncfs failed for): the caller names its failures with the place they happened.
   */
  failedAt?: (path: string, err: unknown) => unknown;
}

/** The filesystems one batch wrote to, and whether a shared syncfs makes them durable. */
export class DurableBatch {
  private readonly barrier: SyncBarrier | undefined;
  /** Device → a path on it that stays there through the batch. */
  private readonly devices = new Map<number, string>();
  private readonly fsyncOf: Fsync;
  private readonly failedAt: (path: string, err: unknown) => unknown;

  /** `files`: how many files the batch writes; `root`: the directory it writes under (its filesystem is covered). */
  constructor(barrier: SyncBarrier | undefined, files: number, root: string, opts: BatchOptions = {}) {
    this.fsyncOf = opts.fsync ?? fsyncOpen;
    this.failedAt = opts.failedAt ?? ((_, err) => err);
    this.barrier = barrier?.available() && files >= SYNCFS_MIN_FILES ? barrier : undefined;
    if (!this.barrier) return;
    for (const path of [root, ...(opts.alsoUnder ?? [])]) {
      const st = statSync(path, { throwIfNoEntry: false });
      if (st && !this.devices.has(st.dev)) this.devices.set(st.dev, path);
    }
  }

  /** Record the filesystem of a staged file (`path`: a place on it that outlives the batch). */
  add(dev: number, path: string): void {
    if (this.barrier && !this.devices.has(dev)) this.devices.set(dev, path);
  }

  /**
   * Make `files` (staged) and `also` durable: a shared syncfs round, after which each file is only closed, or
   * else an fsync of each (`fsyncFile`, by default fsyncStaged), all in parallel and all awaited before an error
   * is thrown. A failure is thrown as `failedAt` names it: a staged file's by its final path.
   */
  async commit(
    files: readonly StagedFile[],
    also: AlsoDurable = {},
    fsyncFile: (f: StagedFile) => Promise<void> = (f) => fsyncStaged(f, this.fsyncOf),
  ): Promise<void> {
    if (await this.syncfs()) {
      for (const f of files) closeStaged(f);
      return;
    }
    await settleAll([
      ...(also.inPlace ?? []).map((p) => this.at(p, () => fsyncPath(p, false, this.fsyncOf))),
      ...(also.dirs ?? []).map((d) => this.at(d, () => syncDir(d, this.fsyncOf))),
      ...files.map((f) => this.at(f.path, () => fsyncFile(f))),
    ]);
  }

  /** Run one step of the batch; its failure is thrown as `failedAt` names it for `path`. */
  private async at(path: string, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      throw this.failedAt(path, err);
    }
  }

  /**
   * syncfs every filesystem of the batch (group commit with concurrent batches); false when the batch is
   * small or syncfs is not usable here.
   */
  private async syncfs(): Promise<boolean> {
    if (!this.barrier || !this.devices.size) return false;
    const failed: { path: string; err: unknown }[] = [];
    await Promise.all(
      [...this.devices].map(([dev, path]) => this.barrier!.flush(dev, path).catch((err) => failed.push({ path, err }))),
    );
    // A writeback error is thrown; syncfs not usable here only means an fsync of each instead.
    const error = failed.find((f) => !(f.err instanceof SyncfsUnavailable));
    if (error) throw this.failedAt(error.path, error.err);
    return !failed.length;
  }
}

/** Promise.all that waits for every promise before rejecting with the first error (nothing runs on after a cleanup). */
export async function settleAll<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
