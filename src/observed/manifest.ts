/** Reading the per-role manifest: the record of every file hero_team wrote for a role. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Manifest } from '../controllers/artifacts.ts';

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
    z.object({ path: SafePath, md5: z.string(), size: z.number(), mode: z.number(), mtimeMs: z.number(), pendingMd5: z.string().optional() }),
  ),
});

/** Absolute manifest path for a role directory. */
export function manifestPath(roleDir: string): string {
  return join(roleDir, MANIFEST_FILE);
}

/** Outcome of reading a manifest: absent, valid, or unreadable (treated as absent: nothing is then ours). */
export type ManifestRead = { state: 'absent' } | { state: 'ok'; manifest: Manifest } | { state: 'corrupt'; error: string };

/** Read and validate a role's manifest. */
export async function readManifest(roleDir: string): Promise<ManifestRead> {
  let text: string;
  try {
    text = readFileSync(manifestPath(roleDir), 'utf8'); // small, local: sync avoids queueing behind fsyncs in the thread pool
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return { state: 'absent' };
    throw err;
  }
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { state: 'ok', manifest: parsed.data };
    return { state: 'corrupt', error: z.prettifyError(parsed.error) };
  } catch (err) {
    return { state: 'corrupt', error: (err as Error).message };
  }
}

/** Serialise a manifest deterministically. */
export function serializeManifest(manifest: Manifest): string {
  const entries = [...manifest.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return JSON.stringify({ ...manifest, entries }, null, 1) + '\n';
}
