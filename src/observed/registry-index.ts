/** The registry index built by a full scan (every candidate name, or those of a whitelist), and one-skill scans. */
import { resolve } from 'node:path';
import type { DigestCache } from './digest.ts';
import { listDir } from './dir-listing.ts';
import { isIgnoredName } from './registry-entries.ts';
import { openScan, type ScanCtx } from './registry-scan-context.ts';
import type { RegistryIndex } from './registry-types.ts';
import type { SkillScan } from './skill-build.ts';
import { scanNames, scanOne } from './skill-scan.ts';

/** Names a full scan must look at: directory entries by name, `.md` files by stem; with `only`, just those names. */
function listCandidates(ctx: ScanCtx, only?: ReadonlySet<string>): string[] {
  const names = new Set<string>();
  const listing = listDir(ctx.root);
  ctx.listing = new Set(listing.names);
  listing.names.forEach((name, i) => {
    if (isIgnoredName(name)) return;
    const kind = listing.kinds[i];
    if (kind === 'd' || kind === 'l') names.add(name);
    if (kind !== 'd' && /\.md$/i.test(name) && name.toLowerCase() !== 'skill.md') names.add(name.slice(0, -3));
  });
  return [...names].filter((name) => !only || only.has(name)).sort();
}

/** Put what a scan found for `name` in the index, in place of what it held. */
export function storeScan(index: RegistryIndex, name: string, scan: SkillScan): void {
  index.skills.delete(name);
  index.invalid.delete(name);
  if (scan.skill) index.skills.set(name, scan.skill);
  if (scan.invalid) index.invalid.set(name, scan.invalid);
}

/**
 * Full scan of the registry at `root`; a missing root gives an empty index with `exists: false`. Skills of
 * `previous` that are found unchanged keep their objects (so what was derived from them can be reused).
 * `only`: the names to index (the skills some role whitelists); the others are not read at all.
 */
export async function scanRegistry(
  root: string,
  cache: DigestCache,
  previous?: RegistryIndex,
  only?: ReadonlySet<string>,
): Promise<RegistryIndex> {
  const index: RegistryIndex = { root: resolve(root), exists: false, skills: new Map(), invalid: new Map() };
  const ctx = openScan(index.root, cache);
  if (!ctx) return index;
  if (previous?.root === index.root) ctx.previous = previous.skills;
  index.exists = true;
  const names = listCandidates(ctx, only);
  const scans = await scanNames(ctx, names);
  for (const [i, name] of names.entries()) storeScan(index, name, scans[i]);
  return index;
}

/** Rescan one skill by registry name (cheap: stats, and reads only files whose stat changed). */
export async function scanSkill(root: string, name: string, cache: DigestCache): Promise<SkillScan> {
  const ctx = openScan(resolve(root), cache);
  return ctx ? scanOne(ctx, name) : {};
}
