/** Injected time and randomness, so tests can pin timestamps and nothing else reads the system clock. */

/** A clock: wall time in ms. */
export interface Clock {
  now(): number;
}

/** Cancels a timer set by a Scheduler (a no-op once it fired). */
export type CancelTimer = () => void;

/** A clock that also runs timers and draws random numbers (jitter). */
export interface Scheduler extends Clock {
  /** Run fn once after ms milliseconds. */
  setTimer(fn: () => void, ms: number): CancelTimer;
  /** Run fn every ms milliseconds until cancelled; this timer alone does not keep the process alive. */
  setRepeating(fn: () => void, ms: number): CancelTimer;
  /** Resolve after ms milliseconds. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

/** The real clock. */
export const systemClock: Scheduler = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  setRepeating: (fn, ms) => {
    const timer = setInterval(fn, ms).unref();
    return () => clearInterval(timer);
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/**
 * Splits a long run of synchronous work into slices: `due()` says the current slice has run `sliceMs`, and
 * `pause()` lets the event loop run pending I/O callbacks before the next slice starts.
 */
export class TimeSlicer {
  private start = performance.now();

  constructor(private readonly sliceMs: number) {}

  /** Whether the current slice has run its time. */
  due(): boolean {
    return performance.now() - this.start > this.sliceMs;
  }

  /** Yield to the event loop, then start a new slice. */
  async pause(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}

/** Compact sortable UTC timestamp for file names, e.g. 20261121T231649.123Z. */
export function fileTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}
