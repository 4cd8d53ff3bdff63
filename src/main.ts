/** Composition root of the daemon: real dependencies in, start, stop cleanly on SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ApiServer, startApiServer } from './api/server.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { Manager } from './controllers/manager.ts';
import { acquireDaemonLock } from './daemon-lock.ts';
import { InputError } from './errors.ts';
import { lowerHelperThreads } from './helper-threads.ts';
import { createLogger, type Logger, stderrIsTty } from './log.ts';
import { DAEMON_V8_FLAGS, LOW_MEMORY_V8_FLAGS, libuvThreadpoolSize, memoryReducerOn, tuneHeap } from './node-flags.ts';
import { type HttpTarget, httpDiscoverySource, parseDiscoveryTarget } from './observed/discovery/http-source.ts';
import type { DiscoverySource } from './observed/discovery/source.ts';

/** A running daemon. */
export interface Daemon {
  manager: Manager;
  log: Logger;
  /** The control plane and its listeners (rpc.sock, TCP). */
  api: ApiServer;
  /** Resolves when the daemon has stopped (after a signal or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Start the daemon with the given configuration and environment. */
export async function startDaemon(
  config: Config,
  env: NodeJS.ProcessEnv,
  v8Flags: readonly string[] = [],
): Promise<Daemon> {
  // On a terminal, one readable line per event; otherwise JSON lines for the supervisor's log collector.
  const log = createLogger(config.logLevel, undefined, { pretty: stderrIsTty() });
  const manager = new Manager({
    paths: config.paths,
    tuning: config.tuning,
    env,
    clock: systemClock,
    log,
    watch: true,
    discovery: discoveryFor(config),
  });
  // `code`: dist/hero-team.js (the bundle) or src/main.ts (the sources through tsx; bin/hero-team.js).
  // `threadpool`: libuv's pool size, fixed before this module loaded (bin/hero-team.js sets 16 unless given).
  const threadpool = libuvThreadpoolSize(process.env.UV_THREADPOOL_SIZE);
  // `memoryReducer`: whether V8 compacts the heap once the daemon goes quiet (off with DAEMON_NODE_FLAGS).
  const memoryReducer = memoryReducerOn();
  log.info(
    {
      paths: config.paths,
      tuning: config.tuning,
      v8Flags,
      memoryReducer,
      threadpool,
      code: fileURLToPath(import.meta.url),
    },
    'hero_team starting',
  );
  if (config.tuning.lowMemory && !memoryReducer) {
    log.warn(
      'low-memory mode without the memory reducer: node was started with --no-memory-reducer, so the heap is not compacted when the daemon goes quiet; start it without that flag, e.g. `npm run build && HERO_TEAM_LOW_MEMORY=1 node bin/hero-team.js serve` (docs/user-guide.md, "Node flags")',
    );
  }
  // Listen first: a second daemon stops here, before touching anything; /readyz says 503 meanwhile.
  const api = await startApiServer({ config, env, manager, clock: systemClock, log, version: packageVersion() });
  // Listening used libuv's pool, so its threads exist now; lower them before the first convergence copies.
  log.info({ helperThreads: lowerHelperThreads(config.helperNice) }, 'helper threads');
  try {
    await manager.start();
  } catch (err) {
    await api.close();
    throw err;
  }
  log.info('watching and converging');
  const firstConvergence = api.followFirstConvergence();
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: letting in-flight reconciles finish');
      await api.close();
      await manager.stop();
      await firstConvergence.catch(() => {});
      log.info('stopped');
      resolveDone();
    })());
  return { manager, log, api, done, stop };
}

/** The version in package.json (one directory above src/ and dist/ alike). */
export function packageVersion(): string {
  try {
    return (
      (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ??
      'unknown'
    );
  } catch {
    return 'unknown';
  }
}

/** The discovery source the configuration names (none when `off`); InputError naming the variable when invalid. */
export function discoveryFor(
  config: Config,
): { source: DiscoverySource; intervalMs: number; quietUntilReached: boolean } | undefined {
  if (!config.discovery) return undefined;
  let target: HttpTarget | null;
  try {
    target = parseDiscoveryTarget(config.discovery.target);
  } catch (err) {
    throw new InputError('HERO_TEAM_DISCOVERY', `environment variable HERO_TEAM_DISCOVERY: ${(err as Error).message}`);
  }
  return target
    ? {
        source: httpDiscoverySource(target),
        intervalMs: config.discovery.intervalMs,
        quietUntilReached: !config.discovery.explicit,
      }
    : undefined;
}

/** Run the daemon until SIGTERM or SIGINT; resolves with the exit code. */
export async function runDaemon(config: Config, env: NodeJS.ProcessEnv): Promise<number> {
  // Before anything is watched or written: a second daemon on the same state would fight the first.
  const lock = acquireDaemonLock(config.paths.home);
  // Handlers go in before start: a signal during start-up (the supervisor giving up, a test) must still stop
  // the daemon cleanly and release its lock, not kill it by the signal's default action.
  let daemon: Daemon | undefined;
  let signalled: NodeJS.Signals | undefined;
  const stopOn = (d: Daemon, sig: NodeJS.Signals) => {
    d.log.info({ signal: sig }, 'signal received');
    void d.stop();
  };
  const onSignal = (sig: NodeJS.Signals) => {
    signalled ??= sig;
    if (daemon) stopOn(daemon, sig);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    daemon = await startDaemon(config, env, tuneHeap(config.tuning.lowMemory ? LOW_MEMORY_V8_FLAGS : DAEMON_V8_FLAGS));
  } catch (err) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    lock.release();
    throw err;
  }
  if (signalled) stopOn(daemon, signalled);
  await daemon.done;
  lock.release();
  return 0;
}
