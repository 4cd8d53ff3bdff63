/** The plan (pure): the difference between desired artifacts and what the manifest and the disk say. */

import { entriesByPath, type Manifest, type ManifestEntry, type ObservedFile } from '../observed/role-files.ts';
import type { DesiredFile, DesiredRole } from './artifacts.ts';

/** Why a file is written. */
export type WriteReason = 'create' | 'update' | 'restore' | 'revert' | 'adopt' | 'mode';

/** Write one desired file; `backup` when the bytes on disk are not ours. */
export interface WriteAction {
  file: DesiredFile;
  reason: WriteReason;
  /** md5 of the bytes on disk when they are ours (update, mode): the write intent records them so a second crash still knows them. */
  ours?: string;
  backup: null | { reason: 'modified' | 'foreign'; md5: string; expectedMd5?: string };
  /** The file as observed (absent: the path was missing); apply replaces only that version. */
  seen?: Seen;
}

/** The version of a file observed at planning. */
export interface Seen {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** Delete a file we wrote that is no longer desired. */
export interface DeleteAction {
  path: string;
  backup: null | { reason: 'modified'; md5: string; expectedMd5: string };
  seen?: Seen;
}

/** A difference between disk and what we wrote that was found while planning. */
export interface DriftItem {
  path: string;
  /** modified: a file we wrote was changed; foreign: a file we never wrote is in the way; conflict: a directory or link in the way; stray: an extra entry in skills/. */
  kind: 'modified' | 'foreign' | 'conflict' | 'stray';
  action: 'reverted' | 'reported';
}

/** Everything apply must do for one role, and the manifest it then writes. */
export interface Plan {
  role: string;
  dir: string;
  writes: WriteAction[];
  deletes: DeleteAction[];
  drift: DriftItem[];
  /** Next manifest; null when the role is gone (the manifest is removed). Written entries carry mtimeMs 0 until apply fills it. */
  manifest: Manifest | null;
  /** True when the manifest file must be (re)written or removed. */
  manifestChanged: boolean;
  /** The manifest as read (the base of the write-intent record apply writes before touching files). */
  previous: Manifest | null;
  unchanged: number;
}

/** Inputs of planRole. */
export interface PlanInput {
  role: string;
  dir: string;
  /** null when the role was deleted from the store. */
  desired: DesiredRole | null;
  manifest: Manifest | null;
  observed: ReadonlyMap<string, ObservedFile>;
  driftPolicy: 'revert' | 'report';
  strays?: readonly string[];
}

/** Compute the plan; never touches the disk. */
export function planRole(input: PlanInput): Plan {
  const previous = input.manifest ? entriesByPath(input.manifest) : new Map<string, ManifestEntry>();
  const next = new Map<string, ManifestEntry>();
  const plan: Plan = {
    role: input.role,
    dir: input.dir,
    writes: [],
    deletes: [],
    drift: [],
    manifest: null,
    manifestChanged: false,
    previous: input.manifest,
    unchanged: 0,
  };
  const at: Planning = { plan, next, policy: input.driftPolicy };
  const desiredPaths = new Set<string>();
  for (const file of input.desired?.files ?? []) {
    desiredPaths.add(file.path);
    planFile(at, file, previous.get(file.path), observedAt(input.observed, file.path));
  }
  const keep = input.desired?.keepPrefixes ?? [];
  for (const entry of previous.values()) {
    if (desiredPaths.has(entry.path)) continue;
    if (keep.some((k) => entry.path.startsWith(k))) next.set(entry.path, entry);
    else planPrune(at, entry, observedAt(input.observed, entry.path));
  }
  for (const path of input.strays ?? []) plan.drift.push({ path, kind: 'stray', action: 'reported' });
  if (input.desired) {
    const entries = [...next.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    plan.manifest = { version: 1, role: input.role, revision: input.desired.revision, entries };
  }
  plan.manifestChanged =
    plan.writes.length > 0 || plan.deletes.length > 0 || !sameManifest(input.manifest, plan.manifest);
  return plan;
}

/** What planning one path adds to: the plan and the next manifest's entries, under the role's drift policy. */
interface Planning {
  plan: Plan;
  next: Map<string, ManifestEntry>;
  policy: 'revert' | 'report';
}

/** The observed version of a file, when the observation carries it. */
function seenOf(obs: ObservedFile): Seen | undefined {
  return obs.ino === undefined || obs.ctimeMs === undefined
    ? undefined
    : { ino: obs.ino, size: obs.size!, mtimeMs: obs.mtimeMs!, ctimeMs: obs.ctimeMs };
}

function observedAt(observed: ReadonlyMap<string, ObservedFile>, path: string): ObservedFile {
  return observed.get(path) ?? { path, kind: 'missing' };
}

/** The manifest entry for a desired file (mtimeMs 0 until apply records the written file's). */
function entryFor(file: DesiredFile, mtimeMs: number): ManifestEntry {
  return { path: file.path, md5: file.md5, size: file.size, mode: file.mode, mtimeMs };
}

function planFile(at: Planning, file: DesiredFile, prev: ManifestEntry | undefined, obs: ObservedFile): void {
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
    planForeignBytes(at, file, prev, obs);
  }
}

/** The file on disk holds bytes we did not write: a hand edit of our file, or a file that was there before us. */
function planForeignBytes(at: Planning, file: DesiredFile, prev: ManifestEntry | undefined, obs: ObservedFile): void {
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

/**
 * A file that was there before us with the very bytes we would write is still the user's: it is backed up as
 * `foreign` before we take it over, so a rollback keeps it and a later prune or rewrite never loses it.
 * A different mode is a difference like any other foreign one.
 */
function planIdenticalForeign(at: Planning, file: DesiredFile, obs: ObservedFile): void {
  if (obs.mode !== file.mode) {
    planForeignBytes(at, file, undefined, obs);
    return;
  }
  at.plan.writes.push({ file, reason: 'adopt', backup: { reason: 'foreign', md5: obs.md5! } });
  at.next.set(file.path, entryFor(file, 0));
}

function planPrune({ plan, policy }: Planning, entry: ManifestEntry, obs: ObservedFile): void {
  if (obs.kind !== 'file') return; // already gone, or replaced by something that is not ours
  if (isOurs(entry, obs.md5)) {
    plan.deletes.push({ path: entry.path, backup: null, seen: seenOf(obs) });
  } else if (policy === 'revert') {
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

/** Bytes we wrote: what the manifest records, or what an interrupted apply announced it was writing. */
function isOurs(entry: ManifestEntry, md5: string | undefined): boolean {
  return md5 === entry.md5 || (entry.pendingMd5 !== undefined && md5 === entry.pendingMd5);
}

function sameManifest(a: Manifest | null, b: Manifest | null): boolean {
  if (!a || !b) return a === b;
  if (a.revision !== b.revision || a.entries.length !== b.entries.length) return false;
  return a.entries.every((e, i) => {
    const f = b.entries[i]!;
    return e.path === f.path && e.md5 === f.md5 && e.size === f.size && e.mode === f.mode && e.mtimeMs === f.mtimeMs;
  });
}
