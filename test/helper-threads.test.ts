/** Helper threads lowered below the main thread: the rule with a fake thread list, then a real daemon's threads. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type HelperThreadsDeps, lowerHelperThreads } from '../src/helper-threads.ts';
import { eventually, startServe } from './helpers/cli.ts';
import { addSkill, makeTree, type TestTree, writeStore } from './helpers/tree.ts';

function fake(nices: Record<number, number>, extra: Partial<HelperThreadsDeps> = {}) {
  const set: [number, number][] = [];
  const deps: HelperThreadsDeps = {
    platform: 'linux',
    mainThread: true,
    pid: 100,
    threads: () => Object.keys(nices).map(Number),
    getPriority: (tid) => nices[tid]!,
    setPriority: (tid, n) => {
      set.push([tid, n]);
      nices[tid] = n;
    },
    ...extra,
  };
  return { deps, set, nices };
}

describe('lowerHelperThreads', () => {
  it('makes every thread but the main one `by` nicer than the main thread', () => {
    const f = fake({ 100: 0, 101: 0, 102: 0, 103: 0 });
    expect(lowerHelperThreads(10, f.deps)).toEqual({ lowered: 3, nice: 10 });
    expect(f.nices).toEqual({ 100: 0, 101: 10, 102: 10, 103: 10 });
  });

  it('counts from the main thread’s own nice value, caps at 19, and never raises a thread already lower', () => {
    const f = fake({ 100: 5, 101: 5, 102: 19, 103: 12 });
    expect(lowerHelperThreads(10, f.deps)).toEqual({ lowered: 2, nice: 15 });
    expect(f.nices).toEqual({ 100: 5, 101: 15, 102: 19, 103: 15 });
    const g = fake({ 100: 15, 101: 15 });
    expect(lowerHelperThreads(10, g.deps)).toEqual({ lowered: 1, nice: 19 });
  });

  it('keeps going past a thread that ended or refuses, and does nothing off Linux or with 0', () => {
    const f = fake(
      { 100: 0, 101: 0, 102: 0 },
      {
        setPriority: (tid) => {
          if (tid === 101) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
        },
      },
    );
    expect(lowerHelperThreads(10, f.deps)).toEqual({ lowered: 1, nice: 10 });
    expect(lowerHelperThreads(10, fake({ 100: 0, 101: 0 }, { platform: 'darwin' }).deps)).toHaveProperty('skipped');
    const zero = fake({ 100: 0, 101: 0 });
    expect(lowerHelperThreads(0, zero.deps)).toHaveProperty('skipped');
    expect(zero.set).toEqual([]);
    expect(lowerHelperThreads(10, fake({ 100: 0, 101: 0 }, { mainThread: false }).deps)).toHaveProperty('skipped');
    const unlisted = fake(
      {},
      {
        threads: () => {
          throw new Error('ENOENT /proc');
        },
      },
    );
    expect(lowerHelperThreads(10, unlisted.deps)).toEqual({ skipped: 'threads not listed: ENOENT /proc' });
  });
});

/** Nice value of each thread of a process, from /proc (field 19 of stat, after the parenthesised name). */
function threadNices(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(t), Number(fields[16]));
  }
  return out;
}

describe.runIf(process.platform === 'linux')('a real daemon', () => {
  let tree: TestTree;
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    tree.cleanup();
  });

  async function daemonThreads(env: Record<string, string>): Promise<{ pid: number; nices: Map<number, number> }> {
    tree = makeTree({ ...env, LOG_LEVEL: 'info' });
    addSkill(tree, 'alpha');
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    const d = startServe(tree.env);
    stop = () => d.child.kill('SIGKILL');
    await eventually(() => d.log().includes('"helper threads"'), 15_000, 'helper threads logged');
    await eventually(() => existsSync(join(tree.paths.rolesDir, 'backend', 'skills', 'alpha')), 15_000, 'converged');
    return { pid: d.child.pid!, nices: threadNices(d.child.pid!) };
  }

  // The daemon inherits this process's nice value (0 unless the tests run under `nice`); the test asks for an
  // offset that stays visible below the cap of 19.
  const base = threadNices(process.pid).get(process.pid)!;
  const by = Math.min(10, 19 - base);

  // A process already at nice 19 cannot run threads any nicer: there is nothing to observe.
  it.skipIf(by === 0)('runs libuv’s pool and V8’s helpers nicer than its main thread', async () => {
    const { pid, nices } = await daemonThreads({ HERO_TEAM_HELPER_NICE: String(by) });
    expect(nices.get(pid)).toBe(base);
    const helpers = [...nices].filter(([tid]) => tid !== pid).map(([, n]) => n);
    // libuv's pool alone is 16 threads (bin/hero-team.js); every helper was lowered.
    expect(helpers.length).toBeGreaterThanOrEqual(16);
    expect(helpers.every((n) => n === base + by)).toBe(true);
  });

  it('leaves every thread as it is with HERO_TEAM_HELPER_NICE=0', async () => {
    const { nices } = await daemonThreads({ HERO_TEAM_HELPER_NICE: '0' });
    expect([...nices.values()].every((n) => n === base)).toBe(true);
  });
});
