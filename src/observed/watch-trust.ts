/**
 * Whether a watched tree's events may be trusted to say "nothing changed here since": from the moment every
 * directory of the tree has its watch, until any watch fails (then never again, since a directory is left
 * without one). The caches that rest on a tree's events (ScanFreshness, RoleObservations) extend this.
 */
export class WatchTrust {
  private since: number | undefined;
  private lost = false;

  constructor(protected readonly now: () => number = () => performance.now()) {}

  /** Whether events are trusted now. */
  get trustEvents(): boolean {
    return this.since !== undefined && !this.lost;
  }

  /** When trust was first given (Infinity if never): what was looked at before may have missed a change. */
  get trustedSince(): number {
    return this.since ?? Infinity;
  }

  /** Every directory of the tree is watched from now on. */
  watchedInFull(): void {
    this.since ??= this.now();
  }

  /** A watch is missing or failed, even before trust was given: never trust again. True the first time. */
  watchesIncomplete(): boolean {
    const first = !this.lost;
    this.lost = true;
    return first;
  }
}
