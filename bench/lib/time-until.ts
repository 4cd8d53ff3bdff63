/** Latency probe shared by the benches: how long after an action a condition on the files holds. */
import { type FSWatcher, watch } from 'node:fs';

/**
 * Time from `act()` until `done()` holds, re-checked on fs events in `dirs` and every `pollMs`. A directory
 * that does not exist yet is covered by the polling; an `act` that returns a promise and rejects ends the wait.
 */
export function timeUntil(
  dirs: readonly string[],
  act: () => unknown,
  done: () => boolean,
  { timeoutMs = 10_000, pollMs = 20 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const watchers: FSWatcher[] = [];
    let finished = false;
    const finish = (err?: Error) => {
      if (finished) return;
      finished = true;
      const ms = performance.now() - t0;
      clearInterval(poll);
      clearTimeout(timer);
      for (const w of watchers) w.close();
      if (err) reject(err);
      else resolve(ms);
    };
    const check = () => {
      try {
        if (done()) finish();
      } catch {
        // a file between unlink and rename: check again on the next event
      }
    };
    for (const d of dirs) {
      try {
        watchers.push(watch(d, check));
      } catch {
        // not there yet: the polling covers it
      }
    }
    const poll = setInterval(check, pollMs);
    const timer = setTimeout(() => finish(new Error(`not converged after ${timeoutMs} ms`)), timeoutMs);
    const t0 = performance.now();
    const acted = act();
    if (acted instanceof Promise) acted.catch(finish);
    check();
  });
}
