import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreLockedError } from '../../src/errors.ts';
import { isProcessAlive, isStale, readLockInfo, withFileLock } from '../../src/fs/file-lock.ts';

let dir: string;
let lockPath: string;
const children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ht-'));
  lockPath = join(dir, 'store.json.lock');
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

/** The pid of a sleeping child, killed after the test. */
async function livePid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

function writeLock(pid: number, acquiredAt = Date.now()): void {
  writeFileSync(lockPath, JSON.stringify({ pid, acquiredAt, token: 'someone-else' }));
}

describe('withFileLock', () => {
  it('holds the lock file with our pid while fn runs and removes it afterwards', async () => {
    const result = await withFileLock(lockPath, async () => {
      const held = JSON.parse(readFileSync(lockPath, 'utf8'));
      expect(held.pid).toBe(process.pid);
      expect(held.acquiredAt).toBeTypeOf('number');
      return 42;
    });
    expect(result).toBe(42);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('releases the lock when fn throws', async () => {
    await expect(
      withFileLock(lockPath, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(lockPath)).toBe(false);
  });

  it('serialises holders in one process', async () => {
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(lockPath, async () => {
          maxInside = Math.max(maxInside, ++inside);
          await new Promise((r) => setTimeout(r, 5));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it('takes over a lock held by a dead pid', async () => {
    const pid = await deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    writeLock(pid);
    const started = Date.now();
    await withFileLock(
      lockPath,
      async () => {
        expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
      },
      { timeoutMs: 2000 },
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(lockPath)).toBe(false);
    expect(existsSync(`${lockPath}.takeover`)).toBe(false);
  });

  it('times out with StoreLockedError while a live pid holds the lock', async () => {
    const pid = await livePid();
    writeLock(pid);
    const started = Date.now();
    const err = await withFileLock(lockPath, async () => 'never', { timeoutMs: 300 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(StoreLockedError);
    expect((err as StoreLockedError).holderPid).toBe(pid);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    // The live holder's lock is untouched.
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(pid);
  });

  it('takes over a lock older than staleMs even if its pid is alive', async () => {
    const pid = await livePid();
    writeLock(pid, Date.now() - 10_000);
    await expect(withFileLock(lockPath, async () => 'ok', { timeoutMs: 1000, staleMs: 5000 })).resolves.toBe('ok');
  });

  it('judges an empty lock file (its creator died before writing) by its mtime, after seconds not staleMs', async () => {
    writeFileSync(lockPath, '');
    await expect(withFileLock(lockPath, async () => 'ok', { timeoutMs: 150, staleMs: 600_000 })).rejects.toBeInstanceOf(
      StoreLockedError,
    );
    const old = new Date(Date.now() - 5_000);
    utimesSync(lockPath, old, old);
    await expect(withFileLock(lockPath, async () => 'ok', { timeoutMs: 1000, staleMs: 600_000 })).resolves.toBe('ok');
  });

  it('does not remove a lock that was taken over while fn ran', async () => {
    await withFileLock(lockPath, async () => {
      writeLock(process.pid); // another holder's token now
    });
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).token).toBe('someone-else');
  });

  it('removes a takeover guard left by a dead process', async () => {
    writeLock(await deadPid());
    writeFileSync(`${lockPath}.takeover`, '1\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${lockPath}.takeover`, old, old);
    await expect(withFileLock(lockPath, async () => 'ok', { timeoutMs: 2000 })).resolves.toBe('ok');
  });
});

describe('lock helpers', () => {
  it('isStale: dead pid, age, and a fresh live lock', async () => {
    const now = Date.now();
    expect(isStale({ pid: await deadPid(), acquiredAt: now, mtimeMs: now }, 30_000, now)).toBe(true);
    expect(isStale({ pid: process.pid, acquiredAt: now - 31_000, mtimeMs: now }, 30_000, now)).toBe(true);
    expect(isStale({ pid: process.pid, acquiredAt: now, mtimeMs: now }, 30_000, now)).toBe(false);
    expect(isStale({ mtimeMs: now - 31_000 }, 30_000, now)).toBe(true);
  });

  it('readLockInfo: none, garbage, and a valid lock', async () => {
    expect(await readLockInfo(lockPath)).toBeUndefined();
    writeFileSync(lockPath, 'garbage');
    expect(await readLockInfo(lockPath)).toEqual({ mtimeMs: expect.any(Number) });
    writeLock(123, 456);
    expect(await readLockInfo(lockPath)).toMatchObject({ pid: 123, acquiredAt: 456, token: 'someone-else' });
  });
});
