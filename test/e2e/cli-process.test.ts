/**
 * The CLI as real processes: `npm start` stopped through npm stops the daemon (item 13), a closed pipe ends a
 * command quietly (item 17), a second `serve` on the same HERO_TEAM_HOME is refused (item 21), and the daemon
 * logs a role's problem once, not at every reconcile (item 18).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/fs/file-lock.ts';
import { BIN, cliProcess, eventually, startServe } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
let tree: TestTree;
const pids: number[] = [];

afterEach(() => {
  for (const pid of pids.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  tree?.cleanup();
});

/** The pid of the daemon from its `hero_team starting` line (JSON off a terminal). */
function daemonPid(log: string): number | undefined {
  const line = log.split('\n').find((l) => l.includes('"hero_team starting"'));
  return line ? (JSON.parse(line) as { pid: number }).pid : undefined;
}

describe('the daemon under npm start (item 13)', () => {
  it('stops when npm is sent SIGTERM', async () => {
    tree = makeTree();
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: REPO,
      env: { ...tree.env, npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pids.push(npm.pid!);
    let log = '';
    npm.stdout.on('data', (c) => (log += c));
    npm.stderr.on('data', (c) => (log += c));
    const pid = (await eventually(
      () => (log.includes('watching and converging') ? daemonPid(log) : undefined),
      60_000,
      'daemon start',
    ))!;
    pids.push(pid);
    expect(pid).not.toBe(npm.pid);
    npm.kill('SIGTERM');
    await eventually(() => !isProcessAlive(pid), 10_000, `daemon ${pid} to stop after npm got SIGTERM`);
  }, 90_000);
});

describe('a closed pipe (item 17)', () => {
  it('ends "skill list" quietly when stdout or stderr is closed early', async () => {
    tree = makeTree();
    // ~200 KB of listing: more than a pipe holds, so writes go on after the reader is gone.
    for (let i = 0; i < 500; i++)
      put(
        join(tree.paths.skillsDir, `skill-${i}`, 'SKILL.md'),
        `---\nname: other-${i}\ndescription: ${'a useful skill '.repeat(6)}\n---\n`,
      );
    put(join(tree.paths.home, 'store.json'), '{ corrupt');
    const run = (close: 'stdout' | 'stderr') =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'skill', 'list'], {
          env: tree.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        if (close === 'stdout') {
          child.stdout.once('data', () => child.stdout.destroy());
          child.stderr.on('data', (c) => (stderr += c));
        } else {
          child.stderr.destroy();
          child.stdout.once('data', () => child.stdout.destroy());
        }
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const out = await run('stdout');
    expect(out.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(out.code).toBe(0);
    expect((await run('stderr')).code).toBe(0);
  }, 60_000);
});

describe('one daemon per HERO_TEAM_HOME (item 21)', () => {
  it('refuses a second serve with a clear message while the first runs, and starts once it stopped', async () => {
    tree = makeTree();
    const first = startServe(tree.env);
    pids.push(first.child.pid!);
    await eventually(() => first.log().includes('watching and converging'), 20_000, 'first daemon');
    const second = await cliProcess(tree.env, 'serve');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `another "hero-team serve" (pid ${first.child.pid}) is already running on HERO_TEAM_HOME=${tree.paths.home}`,
    );
    expect(second.stderr).not.toContain('hero_team starting');
    first.child.kill('SIGTERM');
    await eventually(() => first.child.exitCode !== null, 10_000, 'first daemon to stop');
    expect(first.child.exitCode).toBe(0);
    expect(existsSync(join(tree.paths.home, 'serve.pid'))).toBe(false);
    // A lock left by a killed daemon does not block the next one.
    writeFileSync(join(tree.paths.home, 'serve.pid'), '999999\n');
    const third = startServe(tree.env);
    pids.push(third.child.pid!);
    await eventually(() => third.log().includes('watching and converging'), 20_000, 'third daemon');
    expect(readFileSync(join(tree.paths.home, 'serve.pid'), 'utf8').trim()).toBe(String(third.child.pid));
    third.child.kill('SIGTERM');
    await eventually(() => third.child.exitCode !== null, 10_000, 'third daemon to stop');
  }, 60_000);
});

describe('a signal during start-up', () => {
  it('stops the daemon cleanly (exit 0, lock released), not by the default action of the signal', async () => {
    tree = makeTree();
    for (let i = 0; i < 200; i++) addSkill(tree, `s${i}`);
    writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['s0', 's1'] }]);
    const child = spawn(process.execPath, [BIN, 'serve'], { env: tree.env, stdio: ['ignore', 'pipe', 'pipe'] });
    pids.push(child.pid!);
    let log = '';
    // SIGTERM on the very chunk that says it is starting: start-up (listen, scan, watches) is still under way.
    const onData = (c: Buffer) => {
      log += c;
      if (log.includes('"hero_team starting"') && !child.killed) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(log).toContain('"stopped"');
    expect(existsSync(join(tree.paths.home, 'serve.pid'))).toBe(false);
  }, 60_000);
});

describe('daemon logs (item 18)', () => {
  it('logs a role problem once at info however often the role reconciles, and its resolution once', async () => {
    tree = makeTree({ HERO_TEAM_DEBOUNCE_MS: '10', HERO_TEAM_RESYNC_MS: '1000' });
    addSkill(tree, 'alpha');
    writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'ghost'] }]);
    const daemon = startServe(tree.env);
    pids.push(daemon.child.pid!);
    const lines = () =>
      daemon
        .log()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; level: number; role?: string });
    const problem = 'skills not in the registry: ghost';
    await eventually(() => lines().some((l) => l.msg === problem), 20_000, 'the problem logged');
    // Resyncs every ~second reconcile the role again: the problem is not repeated.
    await new Promise((r) => setTimeout(r, 2600));
    expect(lines().filter((l) => l.msg === problem)).toEqual([expect.objectContaining({ level: 30, role: 'dev' })]);
    addSkill(tree, 'ghost');
    await eventually(() => lines().some((l) => l.msg === `resolved: ${problem}`), 20_000, 'the resolution logged');
    daemon.child.kill('SIGTERM');
    await eventually(() => daemon.child.exitCode !== null, 10_000, 'daemon to stop');
  }, 60_000);
});

// `script` (util-linux) gives the daemon a terminal; without it there is no pty to test with.
describe.skipIf(!existsSync('/usr/bin/script'))('daemon logs on a terminal (item 18)', () => {
  it('are one readable line per event, not JSON', async () => {
    tree = makeTree();
    const child = spawn('/usr/bin/script', ['-qfec', `${process.execPath} ${BIN} serve`, '/dev/null'], {
      env: { ...tree.env, TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    pids.push(child.pid!);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    await eventually(() => out.includes('watching and converging'), 20_000, 'daemon start');
    process.kill(-child.pid!, 'SIGTERM');
    const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: watching and converging\r?$/m);
    expect(plain).not.toContain('{"level"');
    await eventually(() => child.exitCode !== null || child.signalCode !== null, 10_000, 'daemon to stop');
  }, 40_000);
});
