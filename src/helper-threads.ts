/**
 * The daemon's helper threads run at a lower priority than its main thread. The main thread answers the API and
 * routes watcher events; the helpers are libuv's pool (sixteen threads copying, fsyncing and renaming files) and
 * V8's platform threads (concurrent GC, compilation). During a cold convergence on two cores the copies otherwise
 * hold both cores while the event loop waits its turn for one. A helper lowered this way still takes every core
 * nobody else wants, so on an idle machine the copies go as fast as before.
 *
 * Linux only: there a thread's nice value is its own, set by its thread id; elsewhere it is the whole process's,
 * and nothing is changed. Threads are lowered once, after the pool has started (its threads live as long as the
 * process); a thread that cannot be lowered is left as it is.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** How much nicer than the main thread helper threads are by default (HERO_TEAM_HELPER_NICE; 0: not at all). */
export const HELPER_NICE = 10;

/** What lowering touches; tests inject a fake task list and priority calls. */
export interface HelperThreadsDeps {
  platform: NodeJS.Platform;
  /** Whether this code runs on the process's main thread (an embedding worker thread must not lower it). */
  mainThread: boolean;
  /** The process id, which on Linux is also the main thread's id. */
  pid: number;
  /** Thread ids of this process. */
  threads(): number[];
  getPriority(tid: number): number;
  setPriority(tid: number, nice: number): void;
}

const linuxDeps = (): HelperThreadsDeps => ({
  platform: process.platform,
  mainThread: isMainThread,
  pid: process.pid,
  threads: () => readdirSync('/proc/self/task').map(Number),
  getPriority,
  setPriority,
});

/** Highest nice value (lowest priority). */
const NICE_MAX = 19;

/** What was done: threads lowered to nice value `nice`, or why nothing was. */
export type HelperThreadsResult = { lowered: number; nice: number } | { skipped: string };

/**
 * Make every thread of this process but the main one `by` nicer than the main thread (at most 19), never raising
 * one already lower.
 */
export function lowerHelperThreads(by: number = HELPER_NICE, deps?: HelperThreadsDeps): HelperThreadsResult {
  const d = deps ?? (process.platform === 'linux' ? linuxDeps() : undefined);
  if (!d || d.platform !== 'linux') return { skipped: 'not Linux: thread priorities are per process' };
  if (by <= 0) return { skipped: 'HERO_TEAM_HELPER_NICE=0' };
  if (!d.mainThread) return { skipped: 'running in a worker thread, not the main one' };
  let tids: number[];
  let nice: number;
  try {
    tids = d.threads();
    nice = Math.min(NICE_MAX, d.getPriority(d.pid) + by);
  } catch (err) {
    return { skipped: `threads not listed: ${(err as Error).message}` };
  }
  let lowered = 0;
  for (const tid of tids) {
    if (tid === d.pid || !Number.isInteger(tid)) continue;
    try {
      if (d.getPriority(tid) >= nice) continue;
      d.setPriority(tid, nice);
      lowered++;
    } catch {
      // The thread ended meanwhile, or the system refuses: it keeps its priority.
    }
  }
  return { lowered, nice };
}
