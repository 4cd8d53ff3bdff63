/** What doctor asks the system: running daemons, the control socket, inotify limits (Linux /proc). */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `hero-team serve` processes of this user whose state dir is `home` (pids, sorted). */
export function findDaemons(home: string, procRoot = '/proc'): number[] {
  const uid = process.getuid?.();
  const pids: number[] = [];
  for (const name of safeList(procRoot)) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (uid !== undefined && statSync(join(procRoot, name)).uid !== uid) continue;
      const args = readFileSync(join(procRoot, name, 'cmdline'), 'utf8').split('\0');
      if (!isServe(args)) continue;
      if (stateDirOf(readFileSync(join(procRoot, name, 'environ'), 'utf8')) === resolve(home)) pids.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids.sort((a, b) => a - b);
}

/** A command line running `hero-team serve` (the bin, the bundle or the sources). */
function isServe(args: string[]): boolean {
  const i = args.findIndex((a) => /(^|\/)(hero-team(\.js)?|main\.ts)$/.test(a));
  return i >= 0 && args[i + 1] === 'serve';
}

/** The HERO_TEAM_HOME a process environment resolves to (config.ts's default rule). */
function stateDirOf(environ: string): string {
  const env = Object.fromEntries(
    environ
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  if (env.HERO_TEAM_HOME) return resolve(env.HERO_TEAM_HOME);
  return resolve(env.XDG_DATA_HOME ?? join(env.HOME ?? homedir(), '.local', 'share'), 'hero_team');
}

/** GET /healthz over a unix socket: 'ok', 'unreachable' (no answer or not 200), or 'absent' (no socket file). */
export function probeSocket(socketPath: string, timeoutMs = 1000): Promise<'ok' | 'unreachable' | 'absent'> {
  try {
    statSync(socketPath);
  } catch {
    return Promise.resolve('absent');
  }
  return new Promise((done) => {
    const req = request({ socketPath, path: '/healthz', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      done(res.statusCode === 200 ? 'ok' : 'unreachable');
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done('unreachable'));
    req.end();
  });
}

/** inotify watches: the per-user limit and how many this user's processes hold now. */
export function inotifyUsage(procRoot = '/proc'): { max: number | undefined; used: number } {
  let max: number | undefined;
  try {
    max = Number(readFileSync(join(procRoot, 'sys/fs/inotify/max_user_watches'), 'utf8').trim());
  } catch {
    max = undefined;
  }
  const uid = process.getuid?.();
  let used = 0;
  for (const pid of safeList(procRoot)) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (uid !== undefined && statSync(join(procRoot, pid)).uid !== uid) continue;
      for (const fd of safeList(join(procRoot, pid, 'fd'))) {
        if (readlinkSync(join(procRoot, pid, 'fd', fd)) !== 'anon_inode:inotify') continue;
        used += readFileSync(join(procRoot, pid, 'fdinfo', fd), 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('inotify wd:')).length;
      }
    } catch {
      // gone meanwhile
    }
  }
  return { max, used };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
