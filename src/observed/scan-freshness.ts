/**
 * Which registry skills were rescanned so recently that another rescan would find the same thing.
 *
 * A reconcile rescans the skills its role whitelists (level-triggered: it never trusts the event that woke
 * it). When one edit wakes ten roles, or a resync wakes a hundred, they whitelist many of the same skills,
 * and each would rescan them again within milliseconds. A skill's scan is shared while both hold:
 * - no watcher event for that skill (or the registry root) arrived since the scan started; and
 * - the scan started less than `maxAgeMs` ago, which bounds how long a missed event can go unseen by the
 *   next reconcile (the periodic resync rescans everything anyway); or the registry is watched in full
 *   (`trustEvents`, set by the daemon while every registry directory has its watch).
 * While the registry is watched in full a skill with no event since its last scan is the same skill, as a
 * store.json with no event since it was read is the same store: the snapshot is kept by the watchers, as the
 * store and services are, and the periodic resync rescans all of it. A watch that could not be set or failed
 * (inotify limits) turns the trust off for good, back to the `maxAgeMs` bound. Inotify's own queue overflow
 * is not reported by Node; the resync is the net for that.
 * Nothing else is trusted: a source that changed under a copy (apply's check) invalidates its skill too.
 * Times come from one monotonic clock; an event at the same instant as a scan start counts as after it.
 */
import { WatchTrust } from './watch-trust.ts';

/** Shared-scan bookkeeping of one registry snapshot (trust in the registry's watches: WatchTrust). */
export class ScanFreshness extends WatchTrust {
  private readonly scannedAt = new Map<string, number>();
  private readonly changedAt = new Map<string, number>();
  private allChangedAt = -Infinity;

  constructor(
    readonly maxAgeMs = 1000,
    now: () => number = () => performance.now(),
  ) {
    super(now);
  }

  /** Start of a scan: pass the result to `record` once the scan is done. */
  begin(): number {
    return this.now();
  }

  /** True when `name` was scanned recently (or is watched) and no change to it was signalled since that scan started. */
  isFresh(name: string): boolean {
    const at = this.scannedAt.get(name);
    if (at === undefined) return false;
    // A scan that started before every directory had its watch may have missed a change: bounded.
    const bounded = !this.trustEvents || at < this.trustedSince;
    if (bounded && this.now() - at >= this.maxAgeMs) return false;
    return at > this.allChangedAt && at > (this.changedAt.get(name) ?? -Infinity);
  }

  /** Record that `names` were scanned by a scan that started at `startedAt` (from `begin`). */
  record(names: Iterable<string>, startedAt: number): void {
    for (const name of names) {
      const prev = this.scannedAt.get(name);
      if (prev === undefined || prev < startedAt) this.scannedAt.set(name, startedAt);
    }
  }

  /** A watcher event (or a changed source) for one skill: its next reader rescans it. */
  invalidate(name: string): void {
    this.changedAt.set(name, this.now());
  }

  /** An event at the registry root (or a resync): every skill is rescanned by its next reader. */
  invalidateAll(): void {
    this.allChangedAt = this.now();
    this.changedAt.clear();
  }
}
