/**
 * The digest cache on disk (`<HERO_TEAM_HOME>/cache/registry-digests.json`), so a fresh `hero-team sync`
 * or a restarted daemon stats the registry instead of reading and hashing every file again.
 *
 * Only durable entries are saved: the file's stamp (inode, size, mtime, ctime) was past the racy window when
 * it was hashed, so a later write cannot hide behind an equal stamp. The file is our own cache, never the
 * truth: an unreadable, invalid or foreign one (another registry root) is ignored and rebuilt.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import type { DigestCache, FileStamp, SkillMdRecord } from './digest.ts';

const Stamp = [z.number(), z.number(), z.number(), z.number()] as const;
const CacheFileSchema = z.object({
  version: z.literal(1),
  root: z.string(),
  /** [path, ino, size, mtimeMs, ctimeMs, md5] */
  md5: z.array(z.tuple([z.string(), ...Stamp, z.string()])),
  /** [path, ino, size, mtimeMs, ctimeMs, md5, ok, description (ok) or reason (not ok), null when none] */
  skillMd: z.array(z.tuple([z.string(), ...Stamp, z.string(), z.boolean(), z.string().nullable()])),
});

/** Outcome of loading the cache file. */
export type DigestLoad =
  | { state: 'loaded'; entries: number }
  | { state: 'absent' }
  | { state: 'ignored'; reason: string };

const stampOf = (t: readonly [number, number, number, number]): FileStamp => ({
  ino: t[0],
  size: t[1],
  mtimeMs: t[2],
  ctimeMs: t[3],
});
const stampTuple = (s: FileStamp): [number, number, number, number] => [s.ino, s.size, s.mtimeMs, s.ctimeMs];

/** Fill `cache` from the file at `path` when it was written for the registry at `root`. */
export function loadDigestCache(path: string, root: string, cache: DigestCache): DigestLoad {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'ignored', reason: (err as Error).message };
  }
  let parsed;
  try {
    parsed = CacheFileSchema.safeParse(JSON.parse(text));
  } catch (err) {
    return { state: 'ignored', reason: (err as Error).message };
  }
  if (!parsed.success) return { state: 'ignored', reason: z.prettifyError(parsed.error) };
  if (parsed.data.root !== root) return { state: 'ignored', reason: `written for registry ${parsed.data.root}` };
  for (const [p, ino, size, mtimeMs, ctimeMs, md5] of parsed.data.md5)
    cache.md5s.restore(p, stampOf([ino, size, mtimeMs, ctimeMs]), md5);
  for (const [p, ino, size, mtimeMs, ctimeMs, md5, ok, text] of parsed.data.skillMd) {
    const record: SkillMdRecord = ok
      ? { md5, ok, ...(text === null ? {} : { description: text }) }
      : { md5, ok, reason: text ?? '' };
    cache.skillMds.restore(p, stampOf([ino, size, mtimeMs, ctimeMs]), record);
  }
  return { state: 'loaded', entries: parsed.data.md5.length + parsed.data.skillMd.length };
}

/** Write the durable entries of `cache` to `path` (atomically; our own file, mode 0600). */
export async function saveDigestCache(path: string, root: string, cache: DigestCache): Promise<number> {
  const md5 = [...cache.md5s.durable()].map(([p, e]) => [p, ...stampTuple(e), e.value]);
  const skillMd = [...cache.skillMds.durable()].map(([p, e]) => {
    const r = e.value;
    return [p, ...stampTuple(e), r.md5, r.ok, r.ok ? (r.description ?? null) : r.reason];
  });
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify({ version: 1, root, md5, skillMd }) + '\n', 0o600);
  return md5.length + skillMd.length;
}
