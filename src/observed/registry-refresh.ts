/**
 * The index kept in line with the whitelists: rescan the skills a change concerns, drop the skills no role
 * whitelists any more, and keep in the digest cache only what the index still refers to.
 */
import { type DigestCache, isUnder } from './digest.ts';
import { storeScan } from './registry-index.ts';
import { openScan } from './registry-scan-context.ts';
import type { RegistryIndex } from './registry-types.ts';
import type { ScanFreshness } from './scan-freshness.ts';
import type { SkillScan } from './skill-build.ts';
import { scanNames } from './skill-scan.ts';

/** Where the index's entries for a name (a valid skill, an invalid one, or both) come from. */
function sourcesOf(index: RegistryIndex, name: string): string[] {
  return [index.skills.get(name)?.source, index.invalid.get(name)?.source].filter((source) => source !== undefined);
}

/** Drop cached digests at or under the paths (a file, whole skill directories). */
function forgetPath(cache: DigestCache, prefix: string | ReadonlySet<string>): void {
  const paths = typeof prefix === 'string' ? new Set([prefix]) : prefix;
  if (!paths.size) return;
  const drop = (path: string) => isUnder(path, paths);
  cache.forgetIf(drop);
}

/** Keep only the cached digests of `index`'s skills: those of skills that left scope are not kept in memory for nothing. */
export function retainIndexed(index: RegistryIndex, cache: DigestCache): void {
  const keep = new Set<string>();
  for (const entry of [...index.skills.values(), ...index.invalid.values()]) keep.add(entry.source);
  cache.forgetIf((path) => !isUnder(path, keep));
}

/**
 * Rescan the named skills and update the index in place, forgetting cached digests of removed files. `at`: the
 * index, or the holder of the index in force (RegistryState), read again when the rescan is done, so a full scan
 * that replaced the index meanwhile does not lose what this rescan found. With `freshness`, skills another
 * reader rescanned moments ago with no change signalled since are not rescanned.
 */
export async function refreshSkills(
  at: RegistryIndex | { readonly index: RegistryIndex },
  names: Iterable<string>,
  cache: DigestCache,
  freshness?: ScanFreshness,
): Promise<void> {
  const current = (): RegistryIndex => ('skills' in at ? at : at.index);
  const all = [...new Set(names)];
  const unique = freshness ? all.filter((name) => !freshness.isFresh(name)) : all;
  if (all.length && !unique.length) return;
  const startedAt = freshness?.begin() ?? 0;
  const ctx = openScan(current().root, cache);
  if (ctx) ctx.previous = current().skills;
  const scans = ctx ? await scanNames(ctx, unique) : unique.map((): SkillScan => ({}));
  const index = current();
  index.exists = ctx !== null;
  const gone = new Set<string>();
  unique.forEach((name, i) => {
    const kept = new Set(scans[i].skill?.files.map((f) => f.abs));
    for (const f of index.skills.get(name)?.files ?? []) if (!kept.has(f.abs)) gone.add(f.abs);
    if (!scans[i].skill && !scans[i].invalid) for (const source of sourcesOf(index, name)) gone.add(source);
    storeScan(index, name, scans[i]);
  });
  forgetPath(cache, gone); // one pass over the cache for every removed file
  freshness?.record(unique, startedAt);
}

/** Take skills out of the index (no role whitelists them any more), with their cached digests. */
export function dropSkills(index: RegistryIndex, names: Iterable<string>, cache: DigestCache): void {
  const sources = new Set<string>();
  for (const name of names) {
    for (const source of sourcesOf(index, name)) sources.add(source);
    index.skills.delete(name);
    index.invalid.delete(name);
  }
  forgetPath(cache, sources);
}
