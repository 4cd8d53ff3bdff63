/**
 * The whole-registry listing (`skill_list` without a role) for the Skills tab, reused between page loads.
 * Listing 10,000 skills takes seconds (every skill directory is read), and the tab refreshes on every status
 * event. A listing is reused until something changes: any wake or status event (a registry edit of a
 * whitelisted skill wakes its roles) or `maxAgeMs` passing (edits to skills no role uses are not watched).
 * Concurrent reads share one scan.
 */

/** A cached async value, invalidated by events and by age. */
export class ListingCache<T> {
  private value: { at: number; data: T } | undefined;
  private inflight: Promise<T> | undefined;
  private generation = 0;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The listing: the cached one while valid, else a fresh one (shared with concurrent callers). */
  async get(): Promise<T> {
    if (this.value && this.now() - this.value.at < this.maxAgeMs) return this.value.data;
    if (this.inflight) return this.inflight;
    const generation = this.generation;
    const started = this.now();
    this.inflight = this.load().finally(() => (this.inflight = undefined));
    const data = await this.inflight;
    // A change during the scan may be missing from it: keep it only when nothing happened meanwhile.
    if (generation === this.generation) this.value = { at: started, data };
    return data;
  }

  /** Something changed: the next get() lists again. */
  invalidate(): void {
    this.generation++;
    this.value = undefined;
  }
}
