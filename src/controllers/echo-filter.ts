/**
 * Which role-directory events are the echo of our own writes, so they need not wake the role again.
 *
 * Every file apply writes comes back as a watcher event for its role. Without a filter each woken role runs
 * one more reconcile a debounce later that finds nothing to do (on a one-skill edit, ten of them). The filter
 * is a stamp check, not a blind ignore: an event is an echo only when the path, looked at now, is exactly what
 * the manifest we keep for the role records (a regular file of that size, mtime and mode, with no write
 * pending), or is absent, not in the manifest, and was deleted by the role's last apply (or is a directory
 * that held such a file). Absence alone is not enough: a desired file blocked by a directory in the way is
 * in no manifest, and removing that directory must wake the role. A hand edit changes the mtime (and usually the
 * size), so it wakes the role; the reconcile itself trusts the same (size, mtime) pair to skip hashing, so the
 * filter lets through nothing a reconcile would have acted on. Directories always wake the role.
 *
 * The reconcile stays level-triggered: this only decides whether to queue a hint. Events that arrive while
 * the role's reconcile runs are judged once it is done, against the manifest it wrote.
 */
import { lstatSync } from 'node:fs';
import { type ManifestCache, readManifest } from '../observed/manifest.ts';
import { isSameFile } from '../observed/role-dir.ts';
import { entriesByPath } from '../observed/role-files.ts';

/**
 * True when the event at role-relative `path` is explained by the role's manifest as it is on disk now, or by
 * `deleted`: the paths the role's last apply deleted.
 */
export async function isOwnWrite(
  roleDir: string,
  path: string,
  manifests: ManifestCache,
  deleted: readonly string[] = [],
): Promise<boolean> {
  if (!path) return false; // the role directory itself: moved, deleted or replaced
  const read = await readManifest(roleDir, manifests);
  if (read.state !== 'ok') return false;
  const entry = entriesByPath(read.manifest).get(path);
  let st;
  try {
    st = lstatSync(`${roleDir}/${path}`, { throwIfNoEntry: false });
  } catch {
    return false; // ENOTDIR: something replaced a directory on the way
  }
  // Gone, no longer ours, and gone by our hand: a file apply deleted, or a directory it emptied and removed.
  if (!st)
    return (
      !entry &&
      deleted.some((d) => d === path || d.startsWith(`${path}/`)) &&
      !read.manifest.entries.some((e) => e.path.startsWith(`${path}/`))
    );
  return !!entry && entry.pendingMd5 === undefined && isSameFile(st, entry);
}
