/** The daemon lock (item 21) in-process: held by a live node process it refuses; left by a dead one it is taken over. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDaemonLock, DaemonRunningError } from '../src/daemon-lock.ts';

const home = mkdtempSync(join(tmpdir(), 'ht-lock-'));
afterEach(() => rmSync(join(home, 'serve.pid'), { force: true }));

describe('acquireDaemonLock', () => {
  it('refuses while a live daemon holds it, takes over a dead one, releases only its own', () => {
    const mine = acquireDaemonLock(home, process.pid);
    expect(() => acquireDaemonLock(home, process.pid + 1)).toThrow(DaemonRunningError);
    expect(() => acquireDaemonLock(home, process.pid + 1)).toThrow(
      `(pid ${process.pid}) is already running on HERO_TEAM_HOME=${home}`,
    );
    mine.release();
    expect(existsSync(join(home, 'serve.pid'))).toBe(false);
    writeFileSync(join(home, 'serve.pid'), '999999\n');
    const next = acquireDaemonLock(home, 4242);
    expect(readFileSync(join(home, 'serve.pid'), 'utf8')).toBe('4242\n');
    writeFileSync(join(home, 'serve.pid'), '777\n');
    next.release();
    expect(readFileSync(join(home, 'serve.pid'), 'utf8')).toBe('777\n');
  });
});
