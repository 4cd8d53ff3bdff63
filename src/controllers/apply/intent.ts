/**
 * The write intent: before its first file, apply replaces the manifest with one that records the md5 about to
 * be written beside each entry and the name of every temp it will create, so bytes a crash leaves behind are
 * still recognised as ours and a sweep after a crash removes those names and nothing else.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { DurableBatch } from '../../fs/durable-batch.ts';
import type { Expected } from '../../fs/place-check.ts';
import { stageFile } from '../../fs/stage.ts';
import type { StagingMemory } from '../../fs/staged-dir.ts';
import { publishStaged } from '../../fs/staged-file.ts';
import { tempPathFor } from '../../fs/temp-names.ts';
import { manifestPath, serializeManifest } from '../../observed/manifest.ts';
import type { Plan } from '../plan.ts';
import { type FreshDir, freshDirOf, freshSkillDirs, stagingName } from './fresh-skills.ts';

/** The temp names of one apply, chosen before the write intent records them. */
export interface TempNames {
  /** Role-relative path → its temp file (absolute). */
  temps: Map<string, string>;
  /** Role-relative path → the name the file there is set aside under before it is replaced or removed. */
  asides: Map<string, string>;
  /** Skill directories staged whole (`at`: their temp name). */
  fresh: Map<string, FreshDir>;
}

/** Name every temp file, set-aside file and staged directory of the plan. */
export function nameTemps(
  plan: Plan,
  expected: ReadonlyMap<string, Expected | undefined>,
  staging: StagingMemory,
): TempNames {
  const names: TempNames = { temps: new Map(), asides: new Map(), fresh: new Map() };
  for (const a of [...plan.writes, ...plan.deletes]) {
    const path = 'file' in a ? a.file.path : a.path;
    const e = expected.get(path);
    if (e && e.kind !== 'missing') names.asides.set(path, tempPathFor(join(plan.dir, path)));
  }
  if (!plan.writes.length) return names;
  names.fresh = freshSkillDirs(plan, staging);
  for (const d of names.fresh.values()) d.at = tempPathFor(join(plan.dir, stagingName(d)));
  for (const w of plan.writes) {
    if (!freshDirOf(names.fresh, w)) names.temps.set(w.file.path, tempPathFor(join(plan.dir, w.file.path)));
  }
  return names;
}

/**
 * Record the write intent when the plan writes a file or sets one aside (a plan that only deletes: the files it
 * sets aside are recorded too, so a crash before they are settled leaves nothing unrecorded). With files to
 * write it stays unflushed (their first durability step covers it); with none it is made durable at once,
 * before the first file is set aside.
 */
export async function recordIntent(plan: Plan, names: TempNames, manifestTmp: string, batch: DurableBatch) {
  if (!(plan.writes.length && plan.manifest) && !names.asides.size) return;
  await writeIntent(plan, names, manifestTmp);
  if (!plan.writes.length) await batch.commit([], { inPlace: [manifestPath(plan.dir)], dirs: [plan.dir] });
}

/**
 * Put the write intent in place, unflushed (the first durability step of the writes covers it): the previous
 * manifest plus, for every path about to be written, the md5 of the bytes being written, and every temp name.
 */
async function writeIntent(plan: Plan, names: TempNames, manifestTmp: string): Promise<void> {
  const entries = new Map(plan.previous?.entries.map((e) => [e.path, { ...e }]) ?? []);
  for (const w of plan.writes) {
    const entry = entries.get(w.file.path) ?? { path: w.file.path, md5: '', size: -1, mode: w.file.mode, mtimeMs: 0 };
    // Bytes on disk that are ours become the recorded md5, so a crash after a crash still recognises them.
    entries.set(w.file.path, { ...entry, md5: w.ours ?? entry.md5, pendingMd5: w.file.md5 });
  }
  const base = plan.previous ?? { version: 1 as const, role: plan.role, revision: '' };
  const rel = (abs: string) => abs.slice(plan.dir.length + 1);
  const temps = [...names.temps.values(), ...[...names.fresh.values()].map((d) => d.at!), manifestTmp]
    .map(rel)
    .concat(leftoverTemps(plan, 'temps'))
    .sort();
  const text = serializeManifest({
    ...base,
    entries: [...entries.values()],
    temps,
    asides: [...names.asides.values()].map(rel).concat(leftoverTemps(plan, 'asides')).sort(),
  });
  await publishStaged(await stageFile(manifestPath(plan.dir), text, 0o600));
}

/**
 * Temps an earlier apply recorded that are still there (the sweep could not reach them: their directory was
 * swapped at the time): recorded again, so a later sweep removes them.
 */
export function leftoverTemps(plan: Plan, kind: 'temps' | 'asides'): string[] {
  return (plan.previous?.[kind] ?? []).filter((rel) => {
    try {
      return !!lstatSync(join(plan.dir, rel), { throwIfNoEntry: false });
    } catch {
      return false;
    }
  });
}
