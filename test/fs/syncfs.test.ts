/** The shared syncfs: group commit per filesystem, and the fallback when syncfs cannot run here. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SyncBarrier, SyncfsCoprocess, SyncfsUnavailable } from '../../src/fs/syncfs.ts';

/** A runner whose rounds finish when the test says so. */
function manualRunner() {
  const calls: { path: string; finish: (err?: Error) => void }[] = [];
  const run = (path: string) =>
    new Promise<void>((resolve, reject) => calls.push({ path, finish: (err) => (err ? reject(err) : resolve()) }));
  return { calls, run };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('SyncBarrier', () => {
  it('writers arriving during a round share the one round after it (group commit)', async () => {
    const { calls, run } = manualRunner();
    const barrier = new SyncBarrier(run);
    const probe = barrier.flush(1, '/a');
    calls[0]!.finish();
    await probe;
    const first = barrier.flush(1, '/a');
    expect(calls).toHaveLength(2);
    let done = 0;
    const late = [barrier.flush(1, '/a'), barrier.flush(1, '/b'), barrier.flush(1, '/c')].map((p) =>
      p.then(() => done++),
    );
    await tick();
    expect(calls).toHaveLength(2); // all three wait for the round after the running one
    calls[1]!.finish();
    await first;
    await tick();
    expect(calls).toHaveLength(3);
    expect(done).toBe(0); // their writes may postdate round 2: not durable until round 3 ends
    calls[2]!.finish();
    await Promise.all(late);
    expect(done).toBe(3);
  });

  it('keeps filesystems apart: a round on one device does not stand for another', async () => {
    const { calls, run } = manualRunner();
    const barrier = new SyncBarrier(run);
    const probe = barrier.flush(1, '/a');
    calls[0]!.finish();
    await probe;
    const a = barrier.flush(1, '/a');
    const b = barrier.flush(2, '/b');
    expect(calls.map((c) => c.path)).toEqual(['/a', '/a', '/b']);
    calls[1]!.finish();
    calls[2]!.finish();
    await Promise.all([a, b]);
  });

  it('a failed round rejects its writers; the next round still runs', async () => {
    const { calls, run } = manualRunner();
    const barrier = new SyncBarrier(run);
    const probe = barrier.flush(1, '/a');
    calls[0]!.finish();
    await probe;
    const failing = barrier.flush(1, '/a');
    const queued = barrier.flush(1, '/a');
    calls[1]!.finish(new Error('EIO'));
    await expect(failing).rejects.toThrow('EIO');
    await tick();
    calls[2]!.finish();
    await expect(queued).resolves.toBeUndefined();
    expect(barrier.available()).toBe(true);
  });

  it('when the first round cannot run, syncfs is unavailable from then on (callers fsync each file)', async () => {
    const barrier = new SyncBarrier(() => Promise.reject(new Error('spawn sync ENOENT')));
    await expect(barrier.flush(1, '/a')).rejects.toBeInstanceOf(SyncfsUnavailable);
    expect(barrier.available()).toBe(false);
    await expect(barrier.flush(1, '/a')).rejects.toBeInstanceOf(SyncfsUnavailable);
  });

  it('the real runner flushes through a sync -f shell, names the path when it fails, and keeps working', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ht-syncfs-'));
    const barrier = new SyncBarrier();
    const shell = new SyncfsCoprocess();
    try {
      await barrier.flush(statSync(dir).dev, dir);
      expect(barrier.available()).toBe(true);
      await Promise.all([barrier.flush(statSync(dir).dev, dir), barrier.flush(statSync(dir).dev, dir)]);
      await expect(shell.run(join(dir, 'missing'))).rejects.toThrow(/sync -f .*missing failed: .*No such file/);
      await expect(shell.run(join(dir, 'a\nb'))).rejects.toThrow(/newline/);
      await shell.run(dir);
    } finally {
      barrier.close();
      shell.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a process with only an idle sync shell left exits (the shell does not keep it alive)', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'ht-syncfs-'));
    const script = `import { SyncBarrier } from ${JSON.stringify(new URL('../../src/fs/syncfs.ts', import.meta.url).pathname)};
      const b = new SyncBarrier(); await b.flush(1, ${JSON.stringify(dir)}); await b.flush(1, ${JSON.stringify(dir)}); console.log('flushed');`;
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        timeout: 20_000,
        encoding: 'utf8',
      });
      expect(out.trim()).toBe('flushed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
