/** What the observed side records about a role directory: the manifest of what we wrote, and what is on disk. */

/** One record of the manifest: a file hero_team wrote. */
export interface ManifestEntry {
  path: string;
  md5: string;
  size: number;
  mode: number;
  /** mtime after our write: with size, the fast path that skips re-hashing. */
  mtimeMs: number;
  /** Write intent: md5 of bytes an apply was about to write; a crash may have left them on disk, and they are ours too. */
  pendingMd5?: string;
}

/** The per-role manifest, written last. */
export interface Manifest {
  version: 1;
  role: string;
  revision: string;
  entries: ManifestEntry[];
  /** Write intent: the temp files and staged directories the apply creates (role-relative); the only ones a sweep removes. */
  temps?: string[];
  /** Write intent: the names files about to be replaced are set aside under; swept only when they hold bytes we wrote. */
  asides?: string[];
}

/** What is on disk at one path of interest. */
export interface ObservedFile {
  path: string;
  /** 'missing', a regular 'file', or 'other' (a directory or symlink in the way). */
  kind: 'missing' | 'file' | 'other';
  md5?: string;
  size?: number;
  mode?: number;
  mtimeMs?: number;
  /** Inode and ctime of a file: with size and mtime, the version apply expects to replace. */
  ino?: number;
  ctimeMs?: number;
}

/** The manifest's entries keyed by path. */
export function entriesByPath(manifest: Manifest): ReadonlyMap<string, ManifestEntry> {
  return new Map(manifest.entries.map((e) => [e.path, e]));
}

/** Where a role's skill directories live, relative to the role directory (with its trailing slash). */
export const SKILLS_PREFIX = 'skills/';

/** The top-level entry of `skills/` that a role-relative path is or lies below; undefined outside `skills/`. */
export function skillsEntryOf(path: string): string | undefined {
  if (!path.startsWith(SKILLS_PREFIX)) return undefined;
  const cut = path.indexOf('/', SKILLS_PREFIX.length);
  return cut < 0 ? path.slice(SKILLS_PREFIX.length) : path.slice(SKILLS_PREFIX.length, cut);
}

/** The skill directory name of a role-relative path below one (`skills/<name>/...`); undefined otherwise. */
export function skillOfFile(path: string): string | undefined {
  if (!path.startsWith(SKILLS_PREFIX)) return undefined;
  const cut = path.indexOf('/', SKILLS_PREFIX.length);
  return cut > SKILLS_PREFIX.length ? path.slice(SKILLS_PREFIX.length, cut) : undefined;
}
