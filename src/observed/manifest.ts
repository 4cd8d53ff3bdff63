/** Reading the per-role manifest: the record of every file hero_team wrote for a role. */

import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { systemClock } from '../clock.ts';
import { cleanJsonMessage, jsonErrorPosition } from '../fs/json-errors.ts';
import { type FileStamp, StampedMap } from './digest.ts';
import type { Manifest } from './role-files.ts';

/** File name of the manifest inside a role directory. */
export const MANIFEST_FILE = '.hero-team-manifest.json';

/** A role-relative POSIX path that cannot leave the role directory (a hand-edited manifest is untrusted input). */
export function isSafeRelativePath(path: string): boolean {
  if (!path || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

const SafePath = z.string().refine(isSafeRelativePath, { error: 'path must stay inside the role directory' });

const ManifestSchema = z.object({
  version: z.literal(1),
  role: z.string(),
  revision: z.string(),
  entries: z.array(
    z.object({
      path: SafePath,
      md5: z.string(),
      size: z.number(),
      mode: z.number(),
      mtimeMs: z.number(),
      pendingMd5: z.string().optional(),
    }),
  ),
  temps: z.array(SafePath).optional(),
  asides: z.array(SafePath).optional(),
});

/** Absolute manifest path for a role directory. */
export function manifestPath(roleDir: string): string {
  return join(roleDir, MANIFEST_FILE);
}

/** Outcome of reading a manifest: absent, valid, or unreadable (treated as absent: nothing is then ours). */
export type ManifestRead =
  | { state: 'absent' }
  | { state: 'ok'; manifest: Manifest; stamp: FileStamp }
  | { state: 'corrupt'; error: string; stamp: FileStamp };

/**
 * Parsed manifests by path, reused while the file keeps its stamp (inode, size, mtime, ctime) and was past the
 * racy window when read: a resync re-reads every role's manifest, unchanged since the last write.
 */
export type ManifestCache = StampedMap<Manifest>;

/** A cache for readManifest (one per process). */
export function manifestCache(now: () => number = systemClock.now): ManifestCache {
  return new StampedMap<Manifest>(now);
}

/** Read and validate a role's manifest (callers treat the result as read-only: it may be shared through `cache`). */
export async function readManifest(roleDir: string, cache?: ManifestCache): Promise<ManifestRead> {
  const path = manifestPath(roleDir);
  let text: string;
  let fd: number | undefined;
  let stamp: FileStamp;
  try {
    fd = openSync(path, 'r'); // small, local: sync avoids queueing behind fsyncs in the thread pool
    const { ino, size, mtimeMs, ctimeMs } = fstatSync(fd);
    stamp = { ino, size, mtimeMs, ctimeMs };
    const hit = cache?.get(path, stamp); // holds durable entries only (setIfDurable, rememberWrittenManifest)
    if (hit) return { state: 'ok', manifest: hit, stamp };
    text = readFileSync(fd, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return { state: 'absent' };
    throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return { state: 'corrupt', error: z.prettifyError(parsed.error), stamp };
    if (cache && Buffer.byteLength(text) === stamp.size) cache.setIfDurable(path, stamp, deepFreeze(parsed.data));
    return { state: 'ok', manifest: parsed.data, stamp };
  } catch (err) {
    // The position only: the parser's message quotes the text around the error, which may hold a key.
    const message = (err as Error).message;
    const at = jsonErrorPosition(message, text);
    return {
      state: 'corrupt',
      error: `not valid JSON${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${cleanJsonMessage(message)}`,
      stamp,
    };
  }
}

/**
 * Remember a manifest this process just wrote (its bytes are `serializeManifest(manifest)`, `stamp` the file's
 * stamp after the rename), so the next reconcile of the role does not parse it back. A later edit of the
 * file changes its stamp (ctime at least), and then it is read again.
 */
export function rememberWrittenManifest(
  cache: ManifestCache,
  roleDir: string,
  manifest: Manifest,
  stamp: FileStamp,
): void {
  const entries = [...manifest.entries].sort(byPath).map((e) => ({ ...e }));
  cache.set(
    manifestPath(roleDir),
    stamp,
    deepFreeze({ version: manifest.version, role: manifest.role, revision: manifest.revision, entries }),
  );
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * True when `text` is what a manifest temp file of `role` holds, whole or cut short by a kill: empty (a kill
 * between its creation and its write; no bytes to lose), or this role's manifest (its serialized start).
 */
export function isManifestOf(text: string, role: string): boolean {
  if (text === '' || text.startsWith(`{\n "version": 1,\n "role": ${JSON.stringify(role)},`)) return true;
  try {
    const doc = JSON.parse(text) as { version?: unknown; role?: unknown; entries?: unknown };
    return doc.version === 1 && doc.role === role && Array.isArray(doc.entries);
  } catch {
    return false;
  }
}

/** Serialise a manifest deterministically. */
export function serializeManifest(manifest: Manifest): string {
  const entries = [...manifest.entries].sort(byPath);
  return JSON.stringify({ ...manifest, entries }, null, 1) + '\n';
}

/** Freeze a manifest shared through the cache, so a caller that mutates it fails loudly instead of corrupting it. */
function deepFreeze(manifest: Manifest): Manifest {
  for (const e of manifest.entries) Object.freeze(e);
  Object.freeze(manifest.entries);
  return Object.freeze(manifest);
}
