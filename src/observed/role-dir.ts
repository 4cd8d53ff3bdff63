/** Observing a role directory: what is on disk at the paths we care about, strays, leftovers. */

import { type Dirent, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TimeSlicer } from '../clock.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { TEMP_FILE_RE } from '../fs/temp-names.ts';
import { md5FileSync } from './digest.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { entriesByPath, type Manifest, type ObservedFile, skillOfFile } from './role-files.ts';
import type { PriorObservation } from './role-observations.ts';

/**
 * Stat (and when needed hash) each path; a manifest entry with equal size and mtime skips the read. With
 * `prior`, a path seen before and unchanged since is not looked at again (it is added to `reused`).
 * Synchronous calls with a yield every SLICE_MS: one lstat per file is the whole cost of a no-op, and a
 * promise-based lstat costs several times the syscall.
 */
export async function observeRoleFiles(
  roleDir: string,
  paths: Iterable<string>,
  manifest: Manifest | null,
  skillsListing?: SkillsListing,
  prior?: PriorObservation,
  reused?: Set<string>,
): Promise<Map<string, ObservedFile>> {
  const known = manifest ? entriesByPath(manifest) : undefined;
  const out = new Map<string, ObservedFile>();
  // The listing of skills/ already says which of its entries are real directories (d_type, not following links).
  const parents = new Map<string, boolean>(skillsListing?.entries.map((e) => [`skills/${e.name}`, e.isDirectory()]));
  const listed = skillsListing ? new Set(skillsListing.entries.map((e) => e.name)) : undefined;
  const slicer = new TimeSlicer();
  let n = 0;
  for (const p of paths) {
    // Before the first path too: a reconcile reaching here on a used-up slice (sixteen start at once) waits.
    if ((n++ & 31) === 0 && slicer.due()) await slicer.pause();
    // Seen before with no event on it or above it since (role-observations.ts): as it was.
    const before = prior?.get(p);
    if (before) {
      out.set(p, before);
      reused?.add(p);
      continue;
    }
    // A symlink (or file) where a directory of ours should be: never write or delete through it.
    // A skill directory the listing does not have is absent: its files are missing, no lstat needed.
    if (listed && isUnlistedSkillFile(p, listed)) out.set(p, { path: p, kind: 'missing' });
    else
      out.set(
        p,
        parentsAreDirs(roleDir, p, parents) ? observeOne(roleDir, p, known?.get(p)) : { path: p, kind: 'other' },
      );
  }
  return out;
}

/** `skills/<name>/...` where `<name>` is not in the listing of skills/. */
function isUnlistedSkillFile(path: string, listed: ReadonlySet<string>): boolean {
  const name = skillOfFile(path);
  return name !== undefined && !listed.has(name);
}

/** True when every directory between the role dir and `path` is a real directory or absent (memoised in `memo`). */
export function parentsAreDirs(roleDir: string, path: string, memo: Map<string, boolean>): boolean {
  const cut = path.lastIndexOf('/');
  return cut < 0 || dirIsReal(roleDir, path.slice(0, cut), memo);
}

/** `rel` (a directory path under the role dir) and each of its parents is a real directory or absent. */
function dirIsReal(roleDir: string, rel: string, memo: Map<string, boolean>): boolean {
  let ok = memo.get(rel);
  if (ok === undefined) {
    const cut = rel.lastIndexOf('/');
    ok = cut < 0 || dirIsReal(roleDir, rel.slice(0, cut), memo);
    if (ok) {
      const st = lstatSync(`${roleDir}/${rel}`, { throwIfNoEntry: false });
      ok = !st || st.isDirectory();
    }
    memo.set(rel, ok);
  }
  return ok;
}

/** `path` is a safe relative path (manifest schema, render): plain concatenation, no normalisation needed. */
function observeOne(
  roleDir: string,
  path: string,
  entry: { md5: string; size: number; mtimeMs: number } | undefined,
): ObservedFile {
  const abs = `${roleDir}/${path}`;
  let st;
  try {
    st = lstatSync(abs, { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return { path, kind: 'missing' };
    throw err;
  }
  if (!st) return { path, kind: 'missing' };
  if (!st.isFile()) return { path, kind: 'other' };
  const { size, mtimeMs } = st;
  const md5 = entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry.md5 : md5FileSync(abs, size);
  return { path, kind: 'file', md5, size, mode: st.mode & 0o777, mtimeMs, ino: st.ino, ctimeMs: st.ctimeMs };
}

/** `st` is a regular file of the recorded size, mtime and mode (what observe and the echo filter trust). */
export function isSameFile(st: Stats, rec: { size?: number; mtimeMs?: number; mode?: number }): boolean {
  return st.isFile() && st.size === rec.size && st.mtimeMs === rec.mtimeMs && (st.mode & 0o777) === rec.mode;
}

/** The entries of a role's `skills/` directory, read once per reconcile (strays, and which skill dirs are real). */
export interface SkillsListing {
  entries: Dirent[];
}

/**
 * List `skills/` when it is a real directory, or give an empty listing when it is absent (a new role: nothing
 * below it needs a look); undefined when it is a symlink, not a directory or unreadable.
 */
export function readSkillsListing(roleDir: string): SkillsListing | undefined {
  const dir = `${roleDir}/skills`;
  try {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) return { entries: [] };
    if (!st.isDirectory()) return undefined;
    return { entries: readdirSync(dir, { withFileTypes: true }) };
  } catch {
    return undefined;
  }
}

/** Top-level entries of `skills/` that are neither desired nor ours: each would look like a skill to Kimi. */
export function listStraySkillEntries(listing: SkillsListing | undefined, ownedTop: ReadonlySet<string>): string[] {
  return (listing?.entries ?? [])
    .map((e) => e.name)
    .filter((n) => !ownedTop.has(n) && !TEMP_FILE_RE.test(n))
    .map((n) => `skills/${n}`)
    .sort();
}

/** Role directories under the roles root that carry a manifest (roles we manage or managed). */
export async function listManagedRoleDirs(rolesDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(rolesDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const dirs = entries.filter((e) => e.isDirectory() && ROLE_NAME_RE.test(e.name)).map((e) => e.name);
  const flags = await Promise.all(
    dirs.map((d) =>
      lstat(join(rolesDir, d, MANIFEST_FILE)).then(
        () => true,
        () => false,
      ),
    ),
  );
  return dirs.filter((_, i) => flags[i]).sort();
}
