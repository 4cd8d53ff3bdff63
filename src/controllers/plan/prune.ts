/** A file we wrote that is no longer desired: deleted when it still holds our bytes. */

import type { ManifestEntry, ObservedFile } from '../../observed/role-files.ts';
import { planEditedPrune } from './drift-policy.ts';
import { isOurs, type Planning, seenOf } from './planning.ts';

/** Prune the manifest `entry`; it leaves the next manifest whatever is decided (it is never set there). */
export function planPrune(at: Planning, entry: ManifestEntry, obs: ObservedFile): void {
  if (obs.kind !== 'file') return; // already gone, or replaced by something that is not ours
  if (isOurs(entry, obs.md5)) at.plan.deletes.push({ path: entry.path, backup: null, seen: seenOf(obs) });
  else planEditedPrune(at, entry, obs);
}
