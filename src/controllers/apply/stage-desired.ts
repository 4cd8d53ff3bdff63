/** Staging one desired file, and knowing which md5 it holds without reading it back when that can be trusted. */
import { statSync } from 'node:fs';
import { stageCopy, stageFile } from '../../fs/stage.ts';
import { discardStaged, type StagedFile } from '../../fs/staged-file.ts';
import { isRacy, md5FileSync, sameStamp } from '../../observed/digest.ts';
import type { DesiredFile } from '../artifacts.ts';

/**
 * Stage one desired file and say what md5 it holds (`at`: its place inside a staged directory). A copy is made by
 * the kernel from its source; its md5 is the registry's when the source, after the copy, still has the stamp
 * that md5 was taken at and is past the racy window; otherwise the staged copy is read back and hashed, so the
 * manifest records what landed (and a source changed mid-flight shows as sourceChanged).
 */
export async function stageDesired(
  abs: string,
  file: DesiredFile,
  now: number,
  at?: string,
  hold = false,
): Promise<{ f: StagedFile; md5: string }> {
  if (file.source.kind === 'bytes')
    return { f: await stageFile(abs, file.source.bytes, file.mode, at, hold), md5: file.md5 };
  const f = await stageCopy(abs, file.source.from, file.mode, at, hold);
  try {
    const st = statSync(file.source.from);
    const trusted = file.source.stamp && sameStamp(file.source.stamp, st) && f.size === st.size && !isRacy(st, now);
    return { f, md5: trusted ? file.md5 : md5FileSync(f.tmp, f.size) };
  } catch (err) {
    discardStaged([f]);
    throw err;
  }
}
