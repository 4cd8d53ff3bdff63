/**
 * What the last reconcile of each role saw in its directory, reused while no watcher event says otherwise.
 *
 * A reconcile observes every file of its role (an lstat each, ~150 per role), the largest step of each role
 * woken by a one-skill edit. While the roles tree is watched in full (the daemon; every
 * directory has its inotify watch), a path with no event on it or on a directory above it since it was
 * observed is as it was, the same way the store and the registry are kept by their watchers:
 * - the reconcile takes fresh observations for paths with an event since, and for every path it will
 *   write, delete or back up (re-planning with them), so nothing destructive ever rests on a reused one;
 * - the paths apply wrote are marked changed at once (their own events come later);
 * - the periodic resync drops everything (a full observation, the net for an event inotify lost), and a
 *   watch that could not be set or failed turns reuse off for good.
 * The CLI and the tests do not trust events (no watchers): every reconcile observes everything.
 */
import type { ObservedFile } from './role-files.ts';
import { WatchTrust } from './watch-trust.ts';

/** One role directory's last observation and the changes signalled since. */
interface RoleSeen {
  files: ReadonlyMap<string, ObservedFile>;
  /** Role-relative paths with an event since the observation, with the event's sequence number. */
  changed: Map<string, number>;
}

/** A reconcile's read access to a role's last observation (paths with no change since). */
export interface PriorObservation {
  /** The observation of `path` if it is still valid, else undefined. */
  get(path: string): ObservedFile | undefined;
  /** Sequence number at the start of this reconcile's observation (for `record`). */
  readonly seq: number;
  /** Which forgetAll() era it belongs to: an observation begun before a resync's forgetAll is not kept. */
  readonly era: number;
}

/** Observations of every role directory, for one process (reused while the roles tree's watches are trusted). */
export class RoleObservations extends WatchTrust {
  private readonly roles = new Map<string, RoleSeen>();
  private seq = 0;
  private era = 0;

  /** A watch is missing or failed: every reconcile observes everything from now on. */
  override watchesIncomplete(): boolean {
    const first = super.watchesIncomplete();
    this.forgetAll();
    return first;
  }

  /** A watcher event at role-relative `path` ('' for the role directory itself: everything is stale). */
  changed(roleDir: string, path: string): void {
    if (!this.trustEvents) return;
    let seen = this.roles.get(roleDir);
    // Kept even before a first observation: a reconcile observing right now must not record over it.
    if (!seen) this.roles.set(roleDir, (seen = { files: new Map(), changed: new Map() }));
    seen.changed.set(path, ++this.seq);
  }

  /** Paths this process just wrote or deleted (their events arrive later). */
  wrote(roleDir: string, paths: Iterable<string>): void {
    for (const p of paths) this.changed(roleDir, p);
  }

  /** Drop every observation (the periodic resync observes everything). */
  forgetAll(): void {
    this.roles.clear();
    this.era++;
  }

  /** The last observation of `roleDir` for a reconcile starting now; undefined when none may be reused. */
  prior(roleDir: string): PriorObservation | undefined {
    if (!this.trustEvents) return undefined;
    const seen = this.roles.get(roleDir);
    const { seq, era } = this;
    if (!seen) return { seq, era, get: () => undefined };
    return { seq, era, get: (path) => (isChanged(seen.changed, path) ? undefined : seen.files.get(path)) };
  }

  /** Keep what a reconcile observed (every path it cares about, fresh or reused) since `from` (its prior()). */
  record(roleDir: string, files: ReadonlyMap<string, ObservedFile>, from: Pick<PriorObservation, 'seq' | 'era'>): void {
    if (!this.trustEvents || from.era !== this.era) return;
    const { seq } = from;
    const changed = new Map<string, number>();
    // Events that arrived while the reconcile observed may postdate what it saw: they stay.
    for (const [path, at] of this.roles.get(roleDir)?.changed ?? []) if (at > seq) changed.set(path, at);
    this.roles.set(roleDir, { files, changed });
  }
}

/** An event on `path` or on a directory above it. */
function isChanged(changed: ReadonlyMap<string, number>, path: string): boolean {
  if (changed.size === 0) return false;
  if (changed.has(path) || changed.has('')) return true;
  for (let cut = path.lastIndexOf('/'); cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
    if (changed.has(path.slice(0, cut))) return true;
  }
  return false;
}
