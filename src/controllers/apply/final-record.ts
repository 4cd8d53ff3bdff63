/**
 * The last step of apply: the renames and unlinks made durable, then the manifest that records what landed put
 * in place (or, for a deleted role, removed). The new manifest is staged first, so one durability step covers
 * the directories and its bytes.
 */
import { lstatSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { DurableBatch } from '../../fs/durable-batch.ts';
import { ignoreErrors } from '../../fs/ignore-errors.ts';
import { stageFile } from '../../fs/stage.ts';
import { discardStaged, publishStaged } from '../../fs/staged-file.ts';
import {
  MANIFEST_FILE,
  type ManifestCache,
  manifestPath,
  rememberWrittenManifest,
  serializeManifest,
} from '../../observed/manifest.ts';
import { entriesByPath, type Manifest, type ManifestEntry } from '../../observed/role-files.ts';
import type { Plan } from '../plan.ts';
import { guard } from './guard.ts';
import { leftoverTemps } from './intent.ts';

/** What the final record is made of. */
export interface FinalInput {
  batch: DurableBatch;
  /** Directories whose entries changed. */
  touched: Iterable<string>;
  /** Path → what landed there. */
  landed: ReadonlyMap<string, ManifestEntry>;
  /** Paths left alone because they changed while being replaced or removed. */
  raced: ReadonlySet<string>;
  /** The temp name the write intent recorded for the manifest. */
  manifestTmp: string;
  /** Where the manifest written is remembered, so the next reconcile does not parse it back. */
  manifests?: ManifestCache;
}

/** Make the directories durable and put the final manifest in place, or remove it for a deleted role. */
export async function recordFinal(plan: Plan, input: FinalInput): Promise<void> {
  const dirs = [...input.touched];
  if (!plan.manifest || !plan.manifestChanged) {
    await input.batch.commit([], { dirs });
    if (!plan.manifest) await guard(plan, MANIFEST_FILE, async () => removeManifest(plan));
    return;
  }
  const manifest = finalManifest(plan, input.landed, input.raced);
  const path = manifestPath(plan.dir);
  const staged = await guard(plan, MANIFEST_FILE, () =>
    stageFile(path, serializeManifest(manifest), 0o600, input.manifestTmp),
  );
  try {
    await input.batch.commit([staged], { dirs });
    await guard(plan, MANIFEST_FILE, () => publishStaged(staged));
    if (input.manifests) rememberWrittenManifest(input.manifests, plan.dir, manifest, lstatSync(path));
  } catch (err) {
    discardStaged([staged]);
    throw err;
  }
}

/**
 * The manifest after apply: the plan's, with what actually landed for each written file. A path left alone
 * (raced) keeps its previous record, if it had one: what is there now is judged by the next reconcile.
 */
function finalManifest(plan: Plan, landed: ReadonlyMap<string, ManifestEntry>, raced: ReadonlySet<string>): Manifest {
  const previous = plan.previous ? entriesByPath(plan.previous) : new Map<string, ManifestEntry>();
  const entries: ManifestEntry[] = [];
  for (const e of plan.manifest!.entries) {
    const kept = raced.has(e.path) ? previous.get(e.path) : (landed.get(e.path) ?? e);
    if (kept) entries.push(kept);
  }
  for (const d of plan.deletes) if (raced.has(d.path) && previous.has(d.path)) entries.push(previous.get(d.path)!);
  const temps = leftoverTemps(plan, 'temps');
  const asides = leftoverTemps(plan, 'asides');
  return { ...plan.manifest!, entries, ...(temps.length ? { temps } : {}), ...(asides.length ? { asides } : {}) };
}

/** A deleted role: the manifest goes, then the skills/ we created and the role dir if they are empty. */
function removeManifest(plan: Plan): void {
  ignoreErrors(() => unlinkSync(manifestPath(plan.dir)), 'ENOENT');
  // Both only succeed when empty: the skills/ we created and the role dir go, anything of the user's stays.
  ignoreErrors(() => rmdirSync(join(plan.dir, 'skills')));
  ignoreErrors(() => rmdirSync(plan.dir));
}
