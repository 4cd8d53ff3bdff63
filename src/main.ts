/** Composition root of the daemon: real dependencies in, start, stop cleanly on SIGTERM/SIGINT. */
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { Manager } from './controllers/manager.ts';
import { createLogger, type Logger } from './log.ts';

/** A running daemon. */
export interface Daemon {
  manager: Manager;
  log: Logger;
  /** Resolves when the daemon has stopped (after a signal or stop()). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/** Start the daemon with the given configuration and environment. */
export async function startDaemon(config: Config, env: NodeJS.ProcessEnv): Promise<Daemon> {
  const log = createLogger(config.logLevel);
  const manager = new Manager({ paths: config.paths, tuning: config.tuning, env, clock: systemClock, log, watch: true });
  log.info({ paths: config.paths, tuning: config.tuning }, 'hero_team starting');
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
  const daemon = await startDaemon(config, env);
  const onSignal = (sig: NodeJS.Signals) => {
    daemon.log.info({ signal: sig }, 'signal received');
    void daemon.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await daemon.done;
  return 0;
}
