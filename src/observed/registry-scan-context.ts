/**
 * What one registry scan carries from skill to skill: the root and its real path, the digest cache, the
 * root's entry names when a full scan listed them, and the index being refreshed.
 *
 * Filesystem calls are synchronous, one skill at a time: a scan is a long run of stat/readdir calls on small,
 * local files, where a promise-based call costs many times the syscall itself (thread-pool round trip,
 * promise, queue), paid on every reconcile. The scan yields to the event loop between skills instead
 * (skill-scan.ts).
 */
import { realpathSync, type Stats, statSync } from 'node:fs';
import type { DigestCache } from './digest.ts';
import { isNotFound } from './registry-entries.ts';
import type { Skill } from './registry-types.ts';

/**
 * One scan; `listing`, the root's entry names when known (a full scan), spares stats of paths known not to exist;
 * `previous`, the index being refreshed, whose unchanged skills are kept as they are; `found`, the stat
 * findDirSkill took of a SKILL.md, so the walk does not take it again.
 */
export interface ScanCtx {
  root: string;
  realRoot: string;
  cache: DigestCache;
  listing?: Set<string>;
  previous?: ReadonlyMap<string, Skill>;
  found?: { path: string; st: Stats };
}

/** Aborts the scan of one skill with the reason it is invalid (the message). */
export class SkillInvalid extends Error {}

/** Scan context for an existing registry directory, or null when it does not exist. */
export function openScan(root: string, cache: DigestCache): ScanCtx | null {
  try {
    const rootStat = statSync(root);
    if (!rootStat.isDirectory()) return null;
    return { root, realRoot: realpathSync.native(root), cache };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
