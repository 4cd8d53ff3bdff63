/**
 * Which root entries of a watched tree are watched below (WatchOptions.within), and which walks of them are
 * stale: taking an entry out of scope starts a new epoch, and a walk begun in an older one stops.
 */
import { basename, dirname } from 'node:path';
import type { WatchOptions } from './watch-types.ts';

export class WatchScope {
  /** Root entries taken out of scope, by path: how many times (a walk begun before is stale). */
  private readonly epochs = new Map<string, number>();
  /** Root entries part of whose tree a walk skipped because they were out of scope then (rescope walks them again). */
  private readonly incomplete = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly opts: WatchOptions,
  ) {}

  epochOf(entry: string): number {
    return this.epochs.get(entry) ?? 0;
  }

  /** The root entry a path below the root lies in (`<root>/<name>`). */
  entryOf(path: string): string {
    const end = path.indexOf('/', this.root.length + 1);
    return end < 0 ? path : path.slice(0, end);
  }

  /** False for a root entry outside `within` (nothing below it is watched); true for any other path. */
  inScope(path: string): boolean {
    return !this.opts.within || dirname(path) !== this.root || this.opts.within(basename(path));
  }

  /** True unless a walk skipped part of the entry's tree while it was out of scope. */
  isComplete(entry: string): boolean {
    return !this.incomplete.has(entry);
  }

  /**
   * Whether a walk begun at `epoch` goes on into `dir`, below the root: not when a newer walk of its root
   * entry owns it, nor when the entry left the scope meanwhile (then its tree is marked incomplete).
   */
  admits(dir: string, epoch: number | undefined): boolean {
    const entry = this.entryOf(dir);
    if (this.epochOf(entry) !== (epoch ?? 0)) return false;
    if (!this.inScope(entry)) {
      this.incomplete.add(entry);
      return false;
    }
    return true;
  }

  /** The entry's scope changed: walks begun before are stale, and what they skipped is no longer owed. */
  restart(entry: string): number {
    this.epochs.set(entry, this.epochOf(entry) + 1);
    this.incomplete.delete(entry);
    return this.epochOf(entry);
  }
}
