/**
 * Skill directories the plan creates from nothing are staged whole under a temp name in the role directory
 * (not in skills/, where Kimi would discover the half-made skill) and renamed into place once: a skill appears
 * complete or not at all, for one rename instead of one per file.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import type { StagingMemory } from '../../fs/staged-dir.ts';
import { SKILLS_PREFIX, skillOfFile } from '../../observed/role-files.ts';
import type { Plan, WriteAction } from '../plan.ts';

/** A skill directory that does not exist yet, staged whole. */
export interface FreshDir {
  /** Role-relative path (`skills/<name>`). */
  rel: string;
  /** Its staged (temp) directory, once made. */
  tmp?: string;
  /** The name it is made under (recorded by the write intent first). */
  at?: string;
  published?: boolean;
}

/**
 * The skill directories the plan creates from nothing: absent on disk now (under the lock), and every file the
 * next manifest holds below them is a write of this plan. None where `staging` saw a rename out of the role
 * directory fail across mounts.
 */
export function freshSkillDirs(plan: Plan, staging: StagingMemory): Map<string, FreshDir> {
  if (!staging.canStageIn(plan.dir)) return new Map();
  const writes = new Map<string, number>();
  const existing = new Set<string>();
  for (const w of plan.writes) {
    const top = skillDirOf(w.file.path);
    if (!top) continue;
    writes.set(top, (writes.get(top) ?? 0) + 1);
    // A file that was there at planning: its directory exists (and an edit needs no look at skills/).
    if (!wasMissing(w)) existing.add(top);
  }
  for (const top of existing) writes.delete(top);
  const fresh = new Map<string, FreshDir>();
  if (!writes.size || !plan.manifest) return fresh;
  const owned = new Map<string, number>();
  for (const e of plan.manifest.entries) {
    const top = skillDirOf(e.path);
    if (top && writes.has(top)) owned.set(top, (owned.get(top) ?? 0) + 1);
  }
  const present = skillsEntries(plan.dir);
  if (present)
    for (const [top, n] of writes)
      if (owned.get(top) === n && !present.has(skillName(top))) fresh.set(top, { rel: top });
  return fresh;
}

/** The fresh directory a write goes into, if any. */
export function freshDirOf(fresh: ReadonlyMap<string, FreshDir>, w: WriteAction): FreshDir | undefined {
  return fresh.get(skillDirOf(w.file.path) ?? '');
}

/** The name a fresh directory is staged under in the role directory, before its temp suffix (`skill-<name>`). */
export function stagingName(d: FreshDir): string {
  return `skill-${skillName(d.rel)}`;
}

/** True when the plan writes a file that was missing (checked again under the lock); else it and its dir exist. */
export function wasMissing(w: WriteAction): boolean {
  return w.reason === 'create' || w.reason === 'restore';
}

/**
 * Names in the role's skills/ now (one readdir rather than a stat per skill); empty when skills/ is absent,
 * undefined when it is not a real directory (nothing is staged through a symlink) or is another filesystem
 * than the role directory, where skills are staged (a mount point: rename across it fails with EXDEV).
 */
function skillsEntries(roleDir: string): Set<string> | undefined {
  const st = lstatSync(`${roleDir}/skills`, { throwIfNoEntry: false });
  if (!st) return new Set();
  if (!st.isDirectory() || st.dev !== statSync(roleDir).dev) return undefined;
  return new Set(readdirSync(`${roleDir}/skills`));
}

/** `skills/<name>` for a path below a skill directory; undefined otherwise. */
function skillDirOf(path: string): string | undefined {
  const name = skillOfFile(path);
  return name === undefined ? undefined : SKILLS_PREFIX + name;
}

/** `<name>` of `skills/<name>`. */
function skillName(skillDir: string): string {
  return skillDir.slice(SKILLS_PREFIX.length);
}
