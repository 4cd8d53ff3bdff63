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

/** Longest stretch of sliced work the event loop runs in one turn before it looks at I/O again. */
export const SLICE_MS = 10;

/**
 * The one slice budget of the process, shared by every TimeSlicer: the current slice began at `start`, at the
 * start of this turn of the event loop or later; `idle` is the loop's idle time seen last (when it has grown, the
 * loop has waited for I/O since, and a new slice begins); `marked`: a new turn's slice is already scheduled.
 */
const turn = { start: Number.NEGATIVE_INFINITY, idle: -1, marked: false };
/** Paused work, resumed first in, first out. */
const waiting: (() => void)[] = [];

/** Whether the current slice has run its time. */
function sliceUsed(): boolean {
  const now = performance.now();
  const { idle } = performance.eventLoopUtilization();
  if (idle !== turn.idle) {
    turn.idle = idle;
    turn.start = now;
  }
  return now - turn.start > SLICE_MS;
}

/** The next turn of the loop begins with a fresh slice for the paused work (after the I/O polled in between). */
function newSlice(): void {
  turn.marked = false;
  turn.start = performance.now();
}

/**
 * One chance for paused work to go on (one is scheduled per pause): the longest-paused work goes on while the
 * slice lasts; once it is used up, the chance passes to the next turn, which begins with a fresh slice.
 */
function resumeOne(): void {
  if (sliceUsed()) {
    if (!turn.marked) {
      turn.marked = true;
      setImmediate(newSlice);
    }
    setImmediate(resumeOne);
    return;
  }
  waiting.shift()?.();
}

/**
 * Splits long runs of synchronous work (registry scans, role observation, the watchers' walks, waking every
 * role) into slices of SLICE_MS, so the event loop answers I/O (an API request, a watcher event) between them.
 * `due()` says the slice has run its time, `pause()` yields to the loop until paused work may go on again.
 *
 * The budget is one for the whole process, not one per loop: sixteen roles reconciling at once, each with a
 * budget of its own, would hold one turn of the loop for sixteen slices. Paused work goes on in the order it
 * paused, as much of it per turn as the slice allows (at least one), so every loop progresses.
 */
export class TimeSlicer {
  /** Whether the slice has run its time (a slice begins afresh after the loop waited for I/O). */
  due(): boolean {
    return sliceUsed();
  }

  /** Yield to the event loop: paused work goes on in order as the slice allows (a used-up one: after the next poll). */
  pause(): Promise<void> {
    return new Promise((resolve) => {
      waiting.push(resolve);
      setImmediate(resumeOne);
    });
  }

  /** Pause when the slice is used up, otherwise go on at once. */
  async pauseIfDue(): Promise<void> {
    if (this.due()) await this.pause();
  }
}

/** Compact sortable UTC timestamp for file names, e.g. 20261121T231649.123Z. */
export function fileTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}
