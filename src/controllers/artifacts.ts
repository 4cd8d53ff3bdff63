/** Types shared by render, plan and apply: what a role directory should hold (the desired side). */

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
  /** Where keys go: `env` when config.toml names them (`api_key_env`) and kimi gets them at launch. */
  keyMode?: 'env' | 'config';
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
  /** Whitelisted MCP services the target cannot express (left out of mcp.json). */
  rejectedServices?: string[];
}
