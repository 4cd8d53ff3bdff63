/** One daemon per HERO_TEAM_HOME: `serve` holds `HERO_TEAM_HOME/serve.pid` while it runs; a second one is refused. */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HeroTeamError } from './errors.ts';
import { isProcessAlive } from './fs/file-lock.ts';

/** Another `hero-team serve` runs on the same HERO_TEAM_HOME. */
export class DaemonRunningError extends HeroTeamError {
  constructor(
    readonly home: string,
    readonly pid: number,
  ) {
    super(
      'DAEMON_RUNNING',
      `another "hero-team serve" (pid ${pid}) is already running on HERO_TEAM_HOME=${home}; stop it first (kill ${pid}), or use another HERO_TEAM_HOME`,
    );
  }
}

/** A held daemon lock. */
export interface DaemonLock {
  path: string;
  release(): void;
}

/** Take the daemon lock of `home`, taking over one left by a process that is gone; throws DaemonRunningError. */
export function acquireDaemonLock(home: string, pid = process.pid): DaemonLock {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, 'serve.pid');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${pid}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return { path, release: () => releaseIfOurs(path, pid) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(path);
      if (holder !== undefined && holder !== pid && isDaemon(holder)) throw new DaemonRunningError(home, holder);
      if (attempt > 0) throw err;
    }
    // Left by a daemon that is gone (or by this very pid): take it over.
    unlinkSync(path);
  }
}

function readHolder(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Alive, and (where /proc tells) a node process: a pid reused by something else does not hold the lock. */
function isDaemon(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return /node|hero-team/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

function releaseIfOurs(path: string, pid: number): void {
  if (readHolder(path) === pid) {
    try {
      unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
