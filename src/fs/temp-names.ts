/** Names of the temp files and staged directories hero_team creates beside their final place. */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Temp files hero_team creates: `.<name>.hero-tmp-<pid>-<hex>`; only a name the write intent recorded is ours to
 * sweep (a user's file may match).
 */
export const TEMP_FILE_RE = /^\..+\.hero-tmp-\d+-[0-9a-f]{8}$/;

/**
 * Temp-name suffixes: one counter per process, so no two of its temps share a name whichever writer asks, from a
 * random start, so a later process with the same pid does not meet the names a crashed one left
 * (docs/decisions/008-process-wide-temp-names.md).
 */
let tempSeq = randomBytes(4).readUInt32BE(0);

/** Temp path beside `path` that the sweep recognises. */
export function tempPathFor(path: string): string {
  tempSeq = (tempSeq + 1) >>> 0;
  return join(dirname(path), `.${basename(path)}.hero-tmp-${process.pid}-${tempSeq.toString(16).padStart(8, '0')}`);
}
