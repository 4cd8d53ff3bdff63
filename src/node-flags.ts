/** Node and V8 flags of the daemon: those on its launch lines, those it sets on itself, and how to read them. */

/**
 * Node flags every launch line of the daemon carries: `npm start`, deploy/hero_proc.toml and
 * deploy/hero_team.service (test/launch-lines.test.ts checks them). Not the shebang of bin/hero-team.js: a flag
 * there needs `env -S`, which BusyBox lacks. They go on the command line because V8 reads them once, when it
 * sets the heap up; set later, as `serve` sets DAEMON_V8_FLAGS (below), they do nothing.
 *
 * - `--no-memory-reducer`: the reducer compacts the whole heap some seconds after the daemon goes quiet, which
 *   costs CPU in an idle daemon and can raise the peak RSS; without it the RSS at rest stays near the peak
 *   (docs/decisions/002-v8-flags.md).
 */
import { setFlagsFromString } from 'node:v8';

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

/**
 * V8 flags every daemon sets on itself (`hero-team serve`), so the heap stays near the live data
 * (docs/decisions/002-v8-flags.md):
 * - `--heap-growing-percent=20`: the old generation grows at most 20 % past what the last full GC left live;
 *   the live data is steady, and V8's default growth lets a burst of allocation double the heap first.
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial size; with the cap above, what it
 *   promotes is collected soon.
 */
export const DAEMON_V8_FLAGS: readonly string[] = ['--heap-growing-percent=20', '--semi-space-growth-factor=1'];

/**
 * V8 flags of the daemon's low-memory mode (`HERO_TEAM_LOW_MEMORY=1`), instead of DAEMON_V8_FLAGS (a growing
 * percent would override optimize-for-size's own growth factor). Opt-in: it trades propagation latency for a
 * lower RSS (docs/decisions/002-v8-flags.md).
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial semi-spaces;
 * - `--optimize-for-size`: smaller old-generation growth steps, memory-reducing (compacting) GCs;
 * - `--memory-reducer-single-gc`: one compacting GC once the daemon goes quiet. That GC is what brings the RSS
 *   at rest down, so this mode wants the reducer: launch it without DAEMON_NODE_FLAGS (the daemon warns).
 */
export const LOW_MEMORY_V8_FLAGS: readonly string[] = [
  '--semi-space-growth-factor=1',
  '--optimize-for-size',
  '--memory-reducer-single-gc',
];

/**
 * Apply V8 flags at run time (v8.setFlagsFromString, so every way of starting the daemon gets them) except those
 * node was started with: a flag given to node itself (its arguments or NODE_OPTIONS, in either polarity, e.g.
 * `--no-optimize-for-size`) wins. Returns the flags applied.
 */
export function tuneHeap(
  flags: readonly string[],
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith('-')).map(v8FlagName));
  const applied = flags.filter((f) => !given.has(v8FlagName(f)));
  if (applied.length) setFlagsFromString(applied.join(' '));
  return applied;
}

/**
 * The pool size libuv takes from UV_THREADPOOL_SIZE: 4 when unset, else atoi of it as an unsigned number
 * (0 and garbage give 1, a negative one wraps around), at most 1024.
 */
export function libuvThreadpoolSize(value: string | undefined): number {
  if (value === undefined) return 4;
  const n = Number.parseInt(value, 10) || 0;
  return n < 0 ? 1024 : Math.min(1024, Math.max(1, n));
}
