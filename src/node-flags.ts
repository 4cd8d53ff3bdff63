/** Node flags the daemon is launched with, and how to read what a process was launched with. */

/**
 * Node flags every launch line of the daemon carries: `npm start`, deploy/hero_proc.toml and
 * deploy/hero_team.service (test/launch-lines.test.ts checks them). Not the shebang of bin/hero-team.js: a flag
 * there needs `env -S`, which BusyBox lacks, so `hero-team serve` typed by hand runs with the reducer.
 * They go on the command line because V8 reads them once, when it sets the heap up: set later, as the daemon
 * sets DAEMON_V8_FLAGS (src/main.ts) on itself, they do nothing.
 *
 * - `--no-memory-reducer`: V8's memory reducer compacts the whole heap (three GCs, 0.4-0.6 s of CPU over
 *   the GC threads) some 15 s after the start-up convergence goes quiet, and compacting copies the live
 *   objects to new pages first, which can raise the peak RSS by up to ~8 MB. At 10,000 registry skills and
 *   100 roles, without it: idle CPU in the 30-40 s after convergence 0 % (was 1.2-1.5 %), peak RSS
 *   137.8-143.6 MB (was 141-149.3 MB), but the RSS at rest stays near the peak, ~140 MB, where the reducer
 *   brings it down to ~119 MB (docs/performance.md, item 31). The heap still shrinks at the next full GC, and
 *   `--heap-growing-percent=20` keeps the old generation within 20 % of the live data.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** `--no-foo_bar=1` → `foo-bar`. */
export const v8FlagName = (arg: string) => arg.replace(/^--?(no[-_]?)?/, '').split('=')[0]!.replaceAll('_', '-');

/** Whether V8's memory reducer runs in a process launched with these node arguments (the last of `--memory-reducer` and `--no-memory-reducer` wins). */
export function memoryReducerOn(execArgv: readonly string[] = process.execArgv): boolean {
  const last = execArgv.filter((a) => a.startsWith('-') && v8FlagName(a) === 'memory-reducer').at(-1);
  return last === undefined || !/^--?no/.test(last);
}
