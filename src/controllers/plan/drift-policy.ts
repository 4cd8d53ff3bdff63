/**
 * The role's drift policy over bytes we did not write: `revert` backs them up and puts ours back (or, for a file
 * no longer desired, deletes it after the backup); `report` leaves them to the user and flags them.
 */

import type { ManifestEntry, ObservedFile } from '../../observed/role-files.ts';
import type { DesiredFile } from '../artifacts.ts';
import { entryFor } from './manifest-next.ts';
import { type Planning, seenOf } from './planning.ts';

/** A desired file holding bytes we did not write: a hand edit of our file, or a file that was there before us. */
export function planForeignBytes(at: Planning, file: DesiredFile, obs: ObservedFile, prev?: ManifestEntry): void {
  const { plan, next } = at;
  const kind = prev ? 'modified' : 'foreign';
  if (at.policy === 'report') {
    plan.drift.push({ path: file.path, kind, action: 'reported' });
    if (prev) next.set(file.path, prev);
    return;
  }
  plan.drift.push({ path: file.path, kind, action: 'reverted' });
  const backup = prev
    ? { reason: 'modified' as const, md5: obs.md5!, expectedMd5: prev.md5 }
    : { reason: 'foreign' as const, md5: obs.md5! };
  plan.writes.push({ file, reason: prev ? 'revert' : 'adopt', backup, seen: seenOf(obs) });
  next.set(file.path, entryFor(file, 0));
}

/** A file we wrote, no longer desired, edited by hand since (`obs` is a file whose bytes are not ours). */
export function planEditedPrune({ plan, policy }: Planning, entry: ManifestEntry, obs: ObservedFile): void {
  if (policy === 'revert') {
    plan.drift.push({ path: entry.path, kind: 'modified', action: 'reverted' });
    plan.deletes.push({
      path: entry.path,
      backup: { reason: 'modified', md5: obs.md5!, expectedMd5: entry.md5 },
      seen: seenOf(obs),
    });
  } else {
    // Report policy: an edited file we no longer want is left to the user and forgotten.
    plan.drift.push({ path: entry.path, kind: 'modified', action: 'reported' });
  }
}
