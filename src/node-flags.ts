/** Node flags the daemon is launched with, and how to read what a process was launched with. */

/**
 * Node flags every launch line of the daemon carries: `npm start`, deploy/hero_proc.toml and
 * deploy/hero_team.service (test/launch-lines.test.ts checks them). Not the shebang of bin/hero-team.js: a flag
 * there needs `env -S`, which BusyBox lacks. They go on the command line because V8 reads them once, when it
 * sets the heap up; set later, as `serve` sets DAEMON_V8_FLAGS (src/main.ts), they do nothing.
 *
 * - `--no-memory-reducer`: the reducer compacts the whole heap some seconds after the daemon goes quiet, which
 *   costs CPU in an idle daemon and can raise the peak RSS; without it the RSS at rest stays near the peak
 *   (docs/decisions/002-v8-flags.md).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];

/** `--no-foo_bar=1` → `foo-bar`. */
export const v8FlagName = (arg: string) =>
  arg
    .replace(/^--?(no[-_]?)?/, '')
    .split('=')[0]!
    .replaceAll('_', '-');

/** Whether V8's memory reducer runs in a process with these node arguments (the last `--[no-]memory-reducer` wins). */
export function memoryReducerOn(execArgv: readonly string[] = process.execArgv): boolean {
  const last = execArgv.filter((a) => a.startsWith('-') && v8FlagName(a) === 'memory-reducer').at(-1);
  return last === undefined || !/^--?no/.test(last);
}
