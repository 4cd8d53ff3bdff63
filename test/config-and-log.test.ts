/** Configuration defaults from the environment, and log redaction. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { InputError } from '../src/errors.ts';
import { createLogger } from '../src/log.ts';
import { DAEMON_V8_FLAGS, LOW_MEMORY_V8_FLAGS, libuvThreadpoolSize, tuneHeap } from '../src/node-flags.ts';

describe('loadConfig', () => {
  it('uses the DESIGN §3 defaults under HOME and XDG_DATA_HOME', () => {
    const c = loadConfig({ HOME: '/h' });
    expect(c.paths).toEqual({
      home: '/h/.local/share/hero_team',
      skillsDir: '/h/hero/code/hero_skills/skills',
      rolesDir: '/h/.kimi/roles',
      socketDir: '/h/hero/var/sockets',
    });
    expect(loadConfig({ HOME: '/h', XDG_DATA_HOME: '/x' }).paths.home).toBe('/x/hero_team');
    expect(c.tuning).toMatchObject({ debounceMs: 100, resyncMs: 600_000, concurrency: 16 });
    expect(c.logLevel).toBe('info');
  });

  it('takes every override and rejects a bad value naming the variable', () => {
    const c = loadConfig({
      HOME: '/h',
      HERO_TEAM_HOME: '/s',
      KIMI_ROLES_DIR: '/r',
      HERO_SKILLS_DIR: '/k',
      HERO_TEAM_DEBOUNCE_MS: '5',
    });
    expect(c.paths).toMatchObject({ home: '/s', rolesDir: '/r', skillsDir: '/k' });
    expect(c.tuning.debounceMs).toBe(5);
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_CONCURRENCY: '0' })).toThrow(InputError);
    expect(() => loadConfig({ HOME: '/h', LOG_LEVEL: 'chatty' })).toThrow(/LOG_LEVEL/);
  });

  it('reads an empty or blank number as unset, and refuses anything but a whole decimal number', () => {
    // An empty `Environment=HERO_TEAM_BACKUP_KEEP=` line must not mean "keep no backups".
    const blank = loadConfig({
      HOME: '/h',
      HERO_TEAM_BACKUP_KEEP: '',
      HERO_TEAM_BACKUP_MAX_AGE_DAYS: ' ',
      HERO_TEAM_HELPER_NICE: '',
    });
    expect(blank.tuning.retention).toEqual({ keep: 100, maxAgeDays: 90 });
    expect(blank.helperNice).toBe(10);
    expect(loadConfig({ HOME: '/h', HERO_TEAM_HELPER_NICE: ' 0 ' }).helperNice).toBe(0);
    for (const bad of ['0x3', '1e1', '-1', '1.5', 'abc'])
      expect(() => loadConfig({ HOME: '/h', HERO_TEAM_DEBOUNCE_MS: bad })).toThrow(
        /HERO_TEAM_DEBOUNCE_MS: expected a whole number/,
      );
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_HELPER_NICE: '20' })).toThrow(/HERO_TEAM_HELPER_NICE/);
  });
});

describe('createLogger', () => {
  it('redacts keys, headers and env wherever they appear, including child bindings', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, cb) => {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        api_key: 'SECRET-1',
        provider: { apiKey: 'SECRET-2', headers: { authorization: 'Bearer SECRET-3' } },
        server: { env: { TOKEN: 'SECRET-4' } },
      },
      'x',
    );
    log.child({ role: 'r', token: 'SECRET-5' }).info('child');
    const text = lines.join('');
    for (const s of ['SECRET-1', 'SECRET-2', 'SECRET-3', 'SECRET-4', 'SECRET-5']) expect(text).not.toContain(s);
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('"role":"r"');
  });
});

describe('low-memory mode', () => {
  it('is off by default, on with HERO_TEAM_LOW_MEMORY=1, and a bad value names the variable', () => {
    expect(loadConfig({ HOME: '/h' }).tuning.lowMemory).toBe(false);
    expect(loadConfig({ HOME: '/h', HERO_TEAM_LOW_MEMORY: '1' }).tuning.lowMemory).toBe(true);
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_LOW_MEMORY: 'yes' })).toThrow(/HERO_TEAM_LOW_MEMORY/);
  });

  it('never overrides a V8 flag node was started with, in either polarity', () => {
    expect(
      tuneHeap(
        LOW_MEMORY_V8_FLAGS,
        ['--no-optimize-for-size', '--semi-space-growth-factor=2'],
        '--no-memory-reducer-single-gc',
      ),
    ).toEqual([]);
    expect(tuneHeap(DAEMON_V8_FLAGS, ['--heap_growing_percent=40'])).toEqual(['--semi-space-growth-factor=1']); // node refuses it in NODE_OPTIONS
  });
});

describe('libuvThreadpoolSize (what the daemon logs as threadpool)', () => {
  it('reads UV_THREADPOOL_SIZE as libuv does', () => {
    expect([undefined, '16', '2', '0', '', 'abc', '12abc', '5000', '-3'].map(libuvThreadpoolSize)).toEqual([
      4, 16, 2, 1, 1, 1, 12, 1024, 1024,
    ]);
  });
});
