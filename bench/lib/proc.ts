/** Child processes: the real `hero-team` binary, timed commands, /proc readings (RSS, CPU ticks). */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real executable (`node bin/hero-team.js`: the bundle dist/hero-team.js while it matches src/, else the sources through tsx). */
export const BIN = fileURLToPath(new URL('../../bin/hero-team.js', import.meta.url));
/** Kernel clock ticks per second (utime/stime unit in /proc/<pid>/stat). */
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Wall time and output of a finished command. */
export interface Timed {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion, timing it from spawn to exit. */
export function timeCommand(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ seconds: (performance.now() - t0) / 1000, code: code ?? -1, stdout, stderr }),
    );
  });
}

/** One pino log record of the daemon. */
export interface LogRecord {
  msg?: string;
  level?: number;
  role?: string;
  written?: number;
  t: number;
  [k: string]: unknown;
}

/** A running `hero-team serve`. */
export interface DaemonProc {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  records: LogRecord[];
  /** Resolve with the first record (past or future) matching, or reject after the timeout. */
  waitLog(match: (r: LogRecord) => boolean, timeoutMs: number, what: string): Promise<LogRecord>;
  stop(): Promise<number | null>;
}

/** Start the daemon as a child process, parsing its JSON log from stderr; `nodeArgs` go before the script (e.g. --cpu-prof). */
export function startDaemon(env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): DaemonProc {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: LogRecord[] = [];
  const waiters = new Set<() => void>();
  let buf = '';
  const onData = (chunk: Buffer) => {
    buf += chunk.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        records.push({ ...JSON.parse(line), t: performance.now() });
      } catch {
        records.push({ msg: line, t: performance.now() });
      }
    }
    for (const w of [...waiters]) w();
  };
  child.stderr!.on('data', onData);
  child.stdout!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    pid: child.pid!,
    startedAt,
    records,
    waitLog(match, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < records.length; seen++) {
            if (match(records[seen]!)) {
              done();
              return resolve(records[seen]!);
            }
          }
          if (child.exitCode !== null) {
            done();
            reject(new Error(`daemon exited (${child.exitCode}) while waiting for ${what}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** VmHWM (peak RSS) and VmRSS of a process, in MB. */
export function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** utime + stime of a process, in clock ticks. */
export function cpuTicks(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the comm field: state is fields[0], utime is field 14 of the full line → index 11 here.
  return Number(fields[11]) + Number(fields[12]);
}

/** Wait until the process used at most `maxTicks` CPU ticks in each of `windows` consecutive windows of `windowMs`. */
export async function waitQuiet(
  pid: number,
  opts: { windowMs?: number; windows?: number; maxTicks?: number; timeoutMs?: number } = {},
): Promise<number> {
  const { windowMs = 250, windows = 4, maxTicks = 1, timeoutMs = 120_000 } = opts;
  const t0 = performance.now();
  let quiet = 0;
  let last = cpuTicks(pid);
  while (quiet < windows) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`process ${pid} did not go quiet in ${timeoutMs} ms`);
    await sleep(windowMs);
    const now = cpuTicks(pid);
    quiet = now - last <= maxTicks ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t0) / 1000;
}

/** Promise-based sleep. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Wait for the daemon's convergence: on an empty roles dir, one "reconciled" line per role; on a converged
 * tree (nothing to write, nothing logged), the start-up line. Then wait until its CPU goes quiet.
 */
export async function waitConverged(
  d: DaemonProc,
  roles: number,
  fromEmpty: boolean,
  timeoutMs: number,
): Promise<number> {
  const seen = new Set<string>();
  await d.waitLog(
    (r) => {
      if (r.msg === 'reconciled' && r.role) seen.add(r.role);
      return fromEmpty ? seen.size >= roles : r.msg === 'watching and converging';
    },
    timeoutMs,
    fromEmpty ? `${roles} roles reconciled` : 'daemon start',
  );
  const converged = (performance.now() - d.startedAt) / 1000;
  await waitQuiet(d.pid, { timeoutMs });
  return converged;
}

/** Number of inotify watches a process holds (lines of /proc/<pid>/fdinfo of its inotify descriptors). */
export function inotifyWatches(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = '';
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target !== 'anon_inode:inotify') continue;
    count += readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('inotify wd:')).length;
  }
  return count;
}
