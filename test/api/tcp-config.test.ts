/** HERO_TEAM_PORT / HERO_TEAM_HOST / HERO_TEAM_TOKEN: loopback by default, a token required beyond it; the guard's Host parsing. */
import { describe, expect, it } from 'vitest';
import { guardFetch, hostOf } from '../../src/api/guard.ts';
import { loadConfig } from '../../src/config.ts';

const TOKEN = 'x'.repeat(20);

describe('TCP listener settings', () => {
  it('is off without a port and on 127.0.0.1 with one', () => {
    expect(loadConfig({ HOME: '/h' }).tcp).toBeUndefined();
    expect(loadConfig({ HOME: '/h', HERO_TEAM_PORT: '7420' }).tcp).toEqual({ port: 7420, host: '127.0.0.1' });
    expect(loadConfig({ HOME: '/h', HERO_TEAM_PORT: '7420', HERO_TEAM_HOST: '[::1]' }).tcp).toEqual({
      port: 7420,
      host: '::1',
    });
  });

  it('refuses a non-loopback host without a token, a short token, a host without a port, and a bad port', () => {
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_PORT: '7420', HERO_TEAM_HOST: '0.0.0.0' })).toThrow(
      /HERO_TEAM_HOST=0\.0\.0\.0 listens beyond loopback: set HERO_TEAM_TOKEN/,
    );
    expect(() =>
      loadConfig({ HOME: '/h', HERO_TEAM_PORT: '7420', HERO_TEAM_HOST: '0.0.0.0', HERO_TEAM_TOKEN: 'short' }),
    ).toThrow(/at least 16/);
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_HOST: '127.0.0.1' })).toThrow(/HERO_TEAM_PORT is not/);
    expect(() => loadConfig({ HOME: '/h', HERO_TEAM_PORT: '70000' })).toThrow(/HERO_TEAM_PORT/);
    expect(
      loadConfig({ HOME: '/h', HERO_TEAM_PORT: '7420', HERO_TEAM_HOST: '0.0.0.0', HERO_TEAM_TOKEN: TOKEN }).tcp,
    ).toEqual({ port: 7420, host: '0.0.0.0', token: TOKEN });
  });

  it('never puts the token in an error message', () => {
    try {
      loadConfig({
        HOME: '/h',
        HERO_TEAM_PORT: '7420',
        HERO_TEAM_HOST: '0.0.0.0',
        HERO_TEAM_TOKEN: 'secret-but-short',
      });
    } catch (err) {
      expect(String(err)).not.toContain('secret-but-short');
    }
  });
});

describe('guard', () => {
  const ok = () => new Response('ok');
  const req = (path: string, headers: Record<string, string>) => new Request(`http://x${path}`, { headers });

  it('parses Host headers with ports and IPv6 brackets', () => {
    expect(hostOf('LocalHost:8080')).toBe('localhost');
    expect(hostOf('[::1]:7420')).toBe('[::1]');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
  });

  it('accepts loopback names and the configured host, refuses others and a missing Host', async () => {
    const g = guardFetch(ok, { extraHosts: ['10.0.0.5'] });
    for (const host of ['localhost:1', '127.0.0.1:1', '[::1]:1', '10.0.0.5:7420'])
      expect((await g(req('/status', { host }))).status, host).toBe(200);
    for (const host of ['evil.example', '127.0.0.1.evil.example:1', 'localhost.evil:1'])
      expect((await g(req('/status', { host }))).status, host).toBe(403);
    expect((await g(new Request('http://x/status'))).status).toBe(403);
  });
});
