/** The decision for one desired file: what is at its path against what we wrote there. */

import type { ManifestEntry, ObservedFile } from '../../observed/role-files.ts';
import type { DesiredFile } from '../artifacts.ts';
import { planForeignBytes } from './drift-policy.ts';
import { entryFor } from './manifest-next.ts';
import { isOurs, type Planning, seenOf } from './planning.ts';

/** Write, keep or report the desired `file`; `obs` is what is at its path now, `prev` its manifest entry if any. */
export function planDesiredFile(at: Planning, file: DesiredFile, obs: ObservedFile, prev?: ManifestEntry): void {
  const { plan, next } = at;
  if (obs.kind === 'missing') {
    plan.writes.push({ file, reason: prev ? 'restore' : 'create', backup: null });
    next.set(file.path, entryFor(file, 0));
  } else if (obs.kind === 'other') {
    plan.drift.push({ path: file.path, kind: 'conflict', action: 'reported' });
    if (prev) next.set(file.path, prev);
  } else if (obs.md5 === file.md5 && !prev) {
    planIdenticalForeign(at, file, obs);
  } else if (obs.md5 === file.md5) {
    if (obs.mode === file.mode) {
      plan.unchanged++;
      next.set(file.path, entryFor(file, obs.mtimeMs!));
    } else {
      plan.writes.push({ file, reason: 'mode', backup: null, ours: obs.md5, seen: seenOf(obs) });
      next.set(file.path, entryFor(file, 0));
    }
  } else if (prev && isOurs(prev, obs.md5)) {
    plan.writes.push({ file, reason: 'update', backup: null, ours: obs.md5, seen: seenOf(obs) });
    next.set(file.path, entryFor(file, 0));
  } else {
    planForeignBytes(at, file, obs, prev);
  }
}

/**
 * A file that was there before us with the very bytes we would write is still the user's: it is backed up as
 * `foreign` before we take it over, so a rollback keeps it and a later prune or rewrite never loses it.
 * A different mode is a difference like any other foreign one.
 */
function planIdenticalForeign(at: Planning, file: DesiredFile, obs: ObservedFile): void {
  if (obs.mode !== file.mode) {
    planForeignBytes(at, file, obs);
    return;
  }
  at.plan.writes.push({ file, reason: 'adopt', backup: { reason: 'foreign', md5: obs.md5! } });
  at.next.set(file.path, entryFor(file, 0));
}
