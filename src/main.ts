/** Composition root of the daemon: real dependencies in, start, stop cleanly on SIGTERM/SIGINT. */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { Manager } from './controllers/manager.ts';
import { acquireDaemonLock } from './daemon-lock.ts';
import { createLogger, stderrIsTty, type Logger } from './log.ts';
import { memoryReducerOn, v8FlagName } from './node-flags.ts';

/** A running daemon. */
export interface Daemon {
  manager: Manager;
  log: Logger;
  /** Resolves when the daemon has stopped (after a signal or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * V8 flags every daemon sets on itself (`hero-team serve`), measured at 10,000 registry skills and 100 roles × 50
 * (docs/performance.md, memory, items 28 and 30):
 * - `--heap-growing-percent=20`: the old generation may grow 20 % past what the last full GC left live before
 *   the next one, where V8 lets it grow up to 4× when allocation is fast: the live data is steady (~55 MB), and
 *   a cold convergence reached ~100 MB of heap before its first full GC. Peak RSS 204-210 -> 169-171 MB.
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial semi-spaces instead of growing
 *   to 16 MB (Node 20) or 32 MB (Node 24) each; with the cap above, what it promotes is collected soon. Peak
 *   RSS 169-178 -> 140-146 MB.
 * Propagation at 100 roles, ABBA of 100 samples each, p50/p95/p99: growth cap alone 139/176/196 and 135/174/201
 * vs none 148/183/191 and 136/181/187 ms; both flags 141/163/188 and 143/171/197 vs the cap alone 138/174/190
 * and 137/181/197 ms. Where V8's memory reducer runs (node launched without DAEMON_NODE_FLAGS, src/node-flags.ts),
 * it compacts sooner after a burst with these flags (~15-20 s after the last activity instead of about a minute).
 */
export const DAEMON_V8_FLAGS: readonly string[] = ['--heap-growing-percent=20', '--semi-space-growth-factor=1'];

/**
 * V8 flags of the daemon's low-memory mode (`HERO_TEAM_LOW_MEMORY=1`), instead of DAEMON_V8_FLAGS (a growing
 * percent would override optimize-for-size's own growth factor); measured a peak of 135-138 MB and ~120 MB at
 * rest against ~142 MB for both by default (sixth pass), for propagation p99 ~250 ms (docs/performance.md):
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial 1 MB semi-spaces
 *   instead of growing to 16 MB (Node 20) or 32 MB (Node 24) each;
 * - `--optimize-for-size`: smaller old-generation growth steps, memory-reducing (compacting) GCs;
 * - `--memory-reducer-single-gc`: one compacting GC once the daemon goes quiet instead of up to three
 *   (~0.2 s of CPU each with optimize-for-size). That GC is what brings the RSS at rest down, so this mode
 *   wants the reducer: launch it without DAEMON_NODE_FLAGS' `--no-memory-reducer` (the daemon warns).
 * Measured before the registry scope (docs/performance.md): peak RSS ~170 -> ~150 MB, for more GCs: ~20-35 %
 * more CPU in a cold convergence, propagation p50/p99 ~172/223 -> ~206/334 ms at 100 roles, and ~0.2 s of CPU
 * after a burst. Opt-in: latency is the product.
 */
export const LOW_MEMORY_V8_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--optimize-for-size', '--memory-reducer-single-gc'];

/**
 * Apply V8 flags at run time (v8.setFlagsFromString, so every way of starting the daemon gets them) except those
 * node was started with: a flag given to node itself (its arguments or NODE_OPTIONS, in either polarity, e.g.
 * `--no-optimize-for-size`) wins. Returns the flags applied.
 */
export function tuneHeap(flags: readonly string[], execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
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

/** Start the daemon with the given configuration and environment. */
export async function startDaemon(config: Config, env: NodeJS.ProcessEnv, v8Flags: readonly string[] = []): Promise<Daemon> {
  // On a terminal, one readable line per event; otherwise JSON lines for the supervisor's log collector.
  const log = createLogger(config.logLevel, undefined, { pretty: stderrIsTty() });
  const manager = new Manager({ paths: config.paths, tuning: config.tuning, env, clock: systemClock, log, watch: true });
  // `code`: dist/hero-team.js (the bundle) or src/main.ts (the sources through tsx; bin/hero-team.js).
  // `threadpool`: libuv's pool size, fixed before this module loaded (bin/hero-team.js sets 16 unless given).
  const threadpool = libuvThreadpoolSize(process.env.UV_THREADPOOL_SIZE);
  // `memoryReducer`: whether V8 compacts the heap once the daemon goes quiet (off with DAEMON_NODE_FLAGS, src/node-flags.ts).
  const memoryReducer = memoryReducerOn();
  log.info({ paths: config.paths, tuning: config.tuning, v8Flags, memoryReducer, threadpool, code: fileURLToPath(import.meta.url) }, 'hero_team starting');
  if (config.tuning.lowMemory && !memoryReducer) {
    log.warn('low-memory mode without the memory reducer: node was started with --no-memory-reducer, so the heap is not compacted when the daemon goes quiet; start it without that flag, e.g. `npm run build && HERO_TEAM_LOW_MEMORY=1 node bin/hero-team.js serve` (docs/user-guide.md, "Node flags")');
  }
  await manager.start();
  log.info('watching and converging');
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: letting in-flight reconciles finish');
      await manager.stop();
      log.info('stopped');
      resolveDone();
    })());
  return { manager, log, done, stop };
}

/** Run the daemon until SIGTERM or SIGINT; resolves with the exit code. */
export async function runDaemon(config: Config, env: NodeJS.ProcessEnv): Promise<number> {
  // Before anything is watched or written: a second daemon on the same state would fight the first.
  const lock = acquireDaemonLock(config.paths.home);
  let daemon: Daemon;
  try {
    daemon = await startDaemon(config, env, tuneHeap(config.tuning.lowMemory ? LOW_MEMORY_V8_FLAGS : DAEMON_V8_FLAGS));
  } catch (err) {
    lock.release();
    throw err;
  }
  const onSignal = (sig: NodeJS.Signals) => {
    daemon.log.info({ signal: sig }, 'signal received');
    void daemon.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await daemon.done;
  lock.release();
  return 0;
}
