/**
 * The bulk lane: how many roles the daemon lets apply a large plan at once. A cold convergence of many roles runs
 * each role's copies, fsyncs and renames in parallel on the same two or so cores; past a few roles at a time the
 * copies only take turns, while every completion still wakes the event loop, so the API answers late and the
 * convergence ends no sooner. Small plans (an edit reaching ten roles) never wait here: their fsync waits overlap
 * best all at once. `hero-team sync` has no API to answer and applies without a lane.
 */
import PQueue from 'p-queue';

/** A plan writing more files than this is bulk work. */
export const BULK_WRITES = 64;
/** Roles applying bulk plans at once. */
export const BULK_CONCURRENCY = 4;

/** Admits at most `concurrency` bulk applies at a time, in the order they asked. */
export class BulkLane {
  private readonly queue: PQueue;

  constructor(concurrency: number = BULK_CONCURRENCY) {
    this.queue = new PQueue({ concurrency });
  }

  /** Run `apply` now when it writes `writes` files or fewer, otherwise when the lane has room. */
  run<T>(writes: number, apply: () => Promise<T>): Promise<T> {
    if (writes <= BULK_WRITES) return apply();
    return this.queue.add(apply);
  }
}
