/**
 * Atomic write of one file: a temp file beside the target, made durable, renamed into place. Never a partial
 * file. A batch of files uses the same steps apart (stage.ts, staged-file.ts) so that one durability step
 * (durable-batch.ts) covers them all before any is published.
 */

import { stageFile } from './stage.ts';
import { discardStaged, fsyncStaged, publishStaged } from './staged-file.ts';

/** Result of one atomic write: the stat of what now sits at the path. */
export interface WrittenFile {
  size: number;
  mtimeMs: number;
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
