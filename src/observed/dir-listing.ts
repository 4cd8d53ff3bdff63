/**
 * Directory listings re-used while a directory is unchanged (a stat fast path for readdir), with the
 * lifetime of the caller's DigestCache.
 *
 * A listing is re-used while the directory's inode, mtime and ctime are the ones stat gave just before it
 * was read (adding, removing or renaming an entry changes both times). It is kept only if the directory had
 * not changed for RACY_MS before the read, so a later change cannot fall in the same timestamp tick (or
 * second, on coarse filesystems) and leave the times equal. Without it, most of a registry rescan would
 * re-read unchanged directories.
 */
import { readdirSync, type Stats } from 'node:fs';
import { type DigestCache, isRacy } from './digest.ts';

/** A directory's entries as read: names, one kind letter each (d, f, l, o), and the stat they belong to. */
export interface Listing {
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  names: string[];
  kinds: string;
  set?: Set<string>;
}

/** The entries of `dir`, given its stat taken just before (from the cache when that stat still matches). */
export function listDir(cache: DigestCache, dir: string, st: Stats): Listing {
  const memo = cache.listings;
  const hit = memo.get(dir);
  if (hit && hit.ino === st.ino && hit.mtimeMs === st.mtimeMs && hit.ctimeMs === st.ctimeMs) return hit;
  const racy = isRacy(st);
  const entries = readdirSync(dir, { withFileTypes: true });
  const kinds = entries
    .map((e) => (e.isDirectory() ? 'd' : e.isFile() ? 'f' : e.isSymbolicLink() ? 'l' : 'o'))
    .join('');
  const listing: Listing = {
    ino: st.ino,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    names: entries.map((e) => e.name),
    kinds,
  };
  if (racy) memo.delete(dir);
  else memo.set(dir, listing);
  return listing;
}

/** Drop the listings of the directories `drop` says (skills that went away), in one pass. */
export function forgetListings(cache: DigestCache, drop: (dir: string) => boolean): void {
  for (const key of cache.listings.keys()) if (drop(key)) cache.listings.delete(key);
}
