/**
 * Writing the plan's files: stage every temp file, make them durable together, then put them all in place.
 * Nothing is put in place before all of it is durable, the write intent (already in place) included; on any
 * error the staged temps are removed. New skill directories are staged whole and renamed once each.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../../clock.ts';
import { type DurableBatch, settleAll } from '../../fs/durable-batch.ts';
import { type DirIdentities, parentRel, RealRoot } from '../../fs/place-check.ts';
import type { Replacer } from '../../fs/replacer.ts';
import { discardStagedDir, type StagingMemory } from '../../fs/staged-dir.ts';
import { discardStaged, type StagedFile } from '../../fs/staged-file.ts';
import { manifestPath } from '../../observed/manifest.ts';
import type { ManifestEntry } from '../../observed/role-files.ts';
import type { Plan, WriteAction } from '../plan.ts';
import { type FreshDir, freshDirOf } from './fresh-skills.ts';
import { guard } from './guard.ts';
import type { TempNames } from './intent.ts';
import { makeParentDirs } from './parent-dirs.ts';
import { stageDesired } from './stage-desired.ts';

/** Staged files a role holds open at once (file descriptors) in a batch. */
const STAGE_CHUNK = 64;

/** What writeFiles needs besides the plan. */
export interface WriteContext {
  dirs: DirIdentities;
  names: TempNames;
  replacer: Replacer;
  batch: DurableBatch;
  /** Remembers where a staged directory cannot be renamed into place. */
  staging: StagingMemory;
  /** Its time, read once, judges the racy window of copied sources. */
  clock: Clock;
}

/** What landed. */
export interface Written {
  count: number;
  /** Path → the manifest entry of the bytes that landed. */
  landed: Map<string, ManifestEntry>;
  /** Source files that changed between render and copy. */
  sourceChanged: string[];
  /** Directories whose entries changed: they need their flush. */
  dirs: Set<string>;
}

interface Staged {
  w: WriteAction;
  f: StagedFile;
  md5: string;
  dir?: FreshDir;
  published?: boolean;
}

/** Write the plan's files (nothing when it has none). */
export async function writeFiles(plan: Plan, ctx: WriteContext): Promise<Written> {
  const written: Written = { count: 0, landed: new Map(), sourceChanged: [], dirs: new Set() };
  if (!plan.writes.length) return written;
  const now = ctx.clock.now();
  const staged: Staged[] = [];
  const fresh = ctx.names.fresh;
  try {
    mkdirSync(plan.dir, { recursive: true });
    const stagedDirs = await makeParentDirs(plan, fresh);
    const real = new RealRoot(plan.dir);
    for (let i = 0; i < plan.writes.length; i += STAGE_CHUNK) {
      const chunk = await settleAll(
        plan.writes.slice(i, i + STAGE_CHUNK).map((w) =>
          guard(plan, w.file.path, async () => {
            const dir = freshDirOf(fresh, w);
            if (!dir) ctx.dirs.ensure(parentRel(w.file.path)); // no symlink on the way, and the directory noted
            const at = dir ? dir.tmp + w.file.path.slice(dir.rel.length) : ctx.names.temps.get(w.file.path);
            const item = await stageDesired(join(plan.dir, w.file.path), w.file, now, at, !dir);
            const entry = { w, ...item, dir };
            staged.push(entry);
            // Beside its target: the temp must live in the directory noted, not wherever a swapped-in symlink leads.
            if (!dir) real.verify(item.f);
            return entry;
          }),
        ),
      );
      // A path on each file's filesystem that stays there through the apply: the role directory for a file
      // staged in it (or in a staged skill directory), otherwise the file's own directory.
      for (const { f, dir } of chunk) ctx.batch.add(f.dev, dir ? plan.dir : dirname(f.path));
      // With the first files, the write intent and its directory; before the first rename, the staged
      // directories and skills/ (their entries are what their rename publishes).
      const intent = i === 0 && plan.manifest;
      const last = i + STAGE_CHUNK >= plan.writes.length;
      await ctx.batch.commit(
        chunk.map((s) => s.f),
        {
          inPlace: intent ? [manifestPath(plan.dir)] : [],
          dirs: [
            ...(intent ? [plan.dir] : []),
            ...(last ? [...stagedDirs, ...(fresh.size ? [join(plan.dir, 'skills')] : [])] : []),
          ],
        },
      );
    }
    await publishAll(plan, ctx, staged);
  } catch (err) {
    discardStaged(staged.filter((s) => (s.dir ? !s.dir.published : !s.published)).map((s) => s.f));
    for (const d of fresh.values()) if (d.tmp && !d.published) discardStagedDir(d.tmp);
    throw err;
  }
  for (const { w, f, md5, dir, published } of staged) {
    if (!dir && !published) continue;
    if (md5 !== w.file.md5) written.sourceChanged.push(w.file.path);
    written.landed.set(w.file.path, { md5, size: f.size, mode: w.file.mode, mtimeMs: f.mtimeMs, path: w.file.path });
    // A file that arrived inside a staged skill directory: its directories were made durable before the rename.
    if (!dir) written.dirs.add(dirname(f.path));
    written.count++;
  }
  // A skill directory renamed into place moved from the role directory into skills/: both need their flush.
  if (fresh.size) written.dirs.add(plan.dir).add(join(plan.dir, 'skills'));
  return written;
}

/** Put each durable staged file in place (one racing a hand edit is left alone); rename each staged skill directory. */
async function publishAll(plan: Plan, ctx: WriteContext, staged: Staged[]): Promise<void> {
  await settleAll([
    ...staged
      .filter((s) => !s.dir)
      .map((s) =>
        guard(plan, s.w.file.path, async () => {
          s.published = await ctx.replacer.replace(s.f, s.w.file.path);
        }),
      ),
    ...[...ctx.names.fresh.values()].map((d) =>
      guard(plan, d.rel, async () => {
        await ctx.staging.publish(d.tmp!, join(plan.dir, d.rel), () => ctx.dirs.check('skills'));
        d.published = true;
      }),
    ),
  ]);
}
