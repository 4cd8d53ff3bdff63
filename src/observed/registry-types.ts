/** Types of the observed skills registry (DESIGN §5). */
import type { DigestCache } from './digest.ts';
import type { ScanFreshness } from './scan-freshness.ts';

/** One regular file of a skill, relative to the skill root. */
export interface SkillFile {
  /** POSIX path relative to the skill directory; a flat skill has the single file `SKILL.md`. */
  rel: string;
  /** Absolute path of the source file in the registry. */
  abs: string;
  size: number;
  mtimeMs: number;
  /** Inode and ctime: with size and mtime, the stamp `md5` was taken at. */
  ino: number;
  ctimeMs: number;
  /** File mode bits (0o777 part). */
  mode: number;
  md5: string;
}

/** A valid registry skill. */
export interface Skill {
  /** Registry name: directory name, or the stem of a flat `<name>.md`. */
  name: string;
  kind: 'dir' | 'flat';
  /** Absolute path of the skill directory, or of the flat `.md` file. */
  source: string;
  /** Files sorted by `rel`. */
  files: SkillFile[];
  /** md5 over the sorted (rel, bytes) list. */
  digest: string;
  /** Frontmatter description when present. */
  description?: string;
}

/** A registry entry that cannot be used, with the reason. */
export interface InvalidSkill {
  name: string;
  source: string;
  reason: string;
}

/** Snapshot of the registry. */
export interface RegistryIndex {
  root: string;
  /** False when the registry directory does not exist. */
  exists: boolean;
  skills: Map<string, Skill>;
  invalid: Map<string, InvalidSkill>;
}

/** The registry as the controllers share it: the snapshot, its digest cache, and which skills were just rescanned. */
export interface RegistryState {
  index: RegistryIndex;
  cache: DigestCache;
  freshness: ScanFreshness;
}
