/** Types shared by render, plan and apply: what a role directory should hold. */

import type { FileStamp } from '../observed/digest.ts';

/**
 * Where a desired file's bytes come from. A copy carries the stamp its md5 was taken at: while the source
 * still has that stamp at copy time, the copy is known to hold those bytes without hashing them again.
 */
export type FileSource = { kind: 'bytes'; bytes: Buffer } | { kind: 'copy'; from: string; stamp?: FileStamp };

/** One file hero_team wants in a role directory. */
export interface DesiredFile {
  /** POSIX path relative to the role directory. */
  path: string;
  md5: string;
  size: number;
  mode: number;
  source: FileSource;
  /** True when the file carries a secret (never displayed, always 0600). */
  secret?: boolean;
}

/** Everything render decided for one role. */
export interface DesiredRole {
  role: string;
  /** Absolute role directory. */
  dir: string;
  /** Files sorted by path. */
  files: DesiredFile[];
  /** Path prefixes whose current manifest entries are kept untouched (invalid skills: last good copy stays). */
  keepPrefixes: string[];
  /** Digest of spec + skill digests + catalog + secret presence. */
  revision: string;
  /** Provider key variables that are referenced but unset. */
  missingSecrets: string[];
  /** The subset the role's own model needs: without it the role cannot authenticate. */
  missingRequiredSecrets: string[];
  /** Whitelisted skills absent from the registry. */
  missingSkills: string[];
  /** Whitelisted skills present but invalid (their last good copy is kept). */
  invalidSkills: string[];
  /** Whitelisted MCP services absent from the services catalog. */
  missingServices: string[];
}

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
}

/** Entries by path of each manifest, built once per manifest object (cached manifests are frozen and shared). */
const entryMaps = new WeakMap<Manifest, ReadonlyMap<string, ManifestEntry>>();

/** The manifest's entries keyed by path (callers must not mutate the manifest afterwards). */
export function entriesByPath(manifest: Manifest): ReadonlyMap<string, ManifestEntry> {
  let map = entryMaps.get(manifest);
  if (!map) entryMaps.set(manifest, (map = new Map(manifest.entries.map((e) => [e.path, e]))));
  return map;
}
