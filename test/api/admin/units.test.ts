/** Pure pieces of the dashboard: the origin rule, the announced prefix, redaction, form errors, the listing cache, paging. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { formErrorsOf, formValues, roleParam } from '../../../src/api/admin/forms.ts';
import { announcedBase, crossOriginReason } from '../../../src/api/admin/guard.ts';
import { ListingCache } from '../../../src/api/admin/listing-cache.ts';
import { PAGE_SIZE, pageOf } from '../../../src/api/admin/pages/skills.tsx';
import { redactFileText } from '../../../src/api/admin/redact.ts';

async function judge(headers: Record<string, string>, mount = ''): Promise<{ reason?: string; base?: string }> {
  const app = new Hono();
  app.all('*', (c) => c.json({ reason: crossOriginReason(c), base: announcedBase(c, mount) }));
  return (await (await app.request('http://x/p', { method: 'POST', headers })).json()) as {
    reason?: string;
    base?: string;
  };
}

describe('origin rule', () => {
  it('accepts the same host (with port), also through X-Forwarded-Host or Referer', async () => {
    expect((await judge({ origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' })).reason).toBeUndefined();
    expect(
      (await judge({ origin: 'https://router:9', host: 'localhost', 'x-forwarded-host': 'router:9' })).reason,
    ).toBeUndefined();
    expect((await judge({ referer: 'http://localhost/kimi/roles', host: 'localhost' })).reason).toBeUndefined();
  });
  it('refuses another host, another port, an opaque or missing origin', async () => {
    expect((await judge({ origin: 'http://127.0.0.1:8081', host: '127.0.0.1:8080' })).reason).toMatch(
      /not this dashboard/,
    );
    expect((await judge({ origin: 'null', host: 'localhost' })).reason).toMatch(/missing or opaque/);
    expect((await judge({ host: 'localhost' })).reason).toMatch(/missing or opaque/);
  });
});

describe('announced prefix', () => {
  it('becomes an absolute base with the mount path; malformed ones are ignored', async () => {
    expect((await judge({ 'x-forwarded-prefix': '/kimi' })).base).toBe('/kimi/');
    expect((await judge({ 'x-forwarded-prefix': '/kimi/' }, '/admin')).base).toBe('/kimi/admin/');
    for (const bad of ['kimi', '//evil.example', '/a/../b', '/x"><script>', 'http://evil/'])
      expect((await judge({ 'x-forwarded-prefix': bad })).base, bad).toBeUndefined();
  });
});

describe('redaction of files on disk', () => {
  it('hides known key values anywhere and the value of secret-looking TOML keys', () => {
    const toml = [
      'default_model = "m"',
      'api_key = "sk-live-123456"',
      '# note: sk-live-123456',
      'custom_headers = { Authorization = "Bearer x" }',
      'max_context_size = 100',
      'api_key = ""',
    ].join('\n');
    const out = redactFileText('config.toml', toml, { KIMI_API_KEY: 'sk-live-123456' });
    expect(out).not.toContain('sk-live-123456');
    expect(out).not.toContain('Bearer x');
    expect(out).toContain('api_key = "<redacted:KIMI_API_KEY>"');
    expect(out).toContain('# note: <redacted:KIMI_API_KEY>');
    expect(out).toContain('max_context_size = 100');
    expect(out).toContain('api_key = ""');
  });
  it('hides env, headers and auth of mcp.json', () => {
    const json = JSON.stringify({
      mcpServers: { s: { command: 'x', env: { TOKEN: 'tok-abc' }, headers: { h: 'v' } } },
    });
    const out = redactFileText('mcp.json', json, {});
    expect(out).not.toContain('tok-abc');
    expect(out).toContain('"command": "x"');
  });
});

describe('the role form and the API errors', () => {
  it('sends the API names (context, drift) and keeps a non-number context as typed', () => {
    const v = formValues({
      name: 'web',
      model: 'm',
      skills: ['a', 'b'],
      mcp: 'x, y',
      context: '12',
      drift: 'report',
      thinking: 'on',
      description: '',
    });
    expect(roleParam(v)).toEqual({
      name: 'web',
      model: 'm',
      skills: ['a', 'b'],
      mcp: ['x', 'y'],
      thinking: true,
      yolo: false,
      drift: 'report',
      context: 12,
    });
    expect(roleParam({ ...v, context: 'lots' }).context).toBe('lots');
  });
  it('puts each zod issue beside its field, a domain check with its detail, a conflict on the form', () => {
    expect(
      formErrorsOf({
        code: -32602,
        message: 'Invalid params',
        data: [
          { path: ['role', 'name'], message: 'bad name' },
          { path: ['role', 'skills', 2], message: 'bad skill' },
        ],
      }),
    ).toEqual({ name: 'bad name', skills: 'bad skill' });
    expect(
      formErrorsOf({
        code: -32602,
        message: 'unknown model "x"',
        data: [{ path: ['role', 'model'], message: 'known models: a, b' }],
      }),
    ).toEqual({ model: 'unknown model "x" (known models: a, b)' });
    expect(formErrorsOf({ code: -32001, message: 'role "web" is at generation 3, not 2' }).form).toMatch(
      /changed since this form was loaded/,
    );
    expect(() => formErrorsOf(new Error('boom'))).toThrow('boom');
  });
});

describe('listing cache', () => {
  it('reuses a listing until invalidated or too old, shares a scan, and drops a scan raced by a change', async () => {
    let now = 0;
    let loads = 0;
    let release: (() => void) | undefined;
    const cache = new ListingCache(
      async () => {
        loads++;
        if (release === undefined) await new Promise<void>((r) => (release = r));
        return loads;
      },
      1000,
      () => now,
    );
    const a = cache.get();
    const b = cache.get();
    cache.invalidate(); // a change while the first scan runs
    release!();
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    expect(await cache.get()).toBe(2); // the raced scan was not kept
    expect(await cache.get()).toBe(2);
    now = 1001;
    expect(await cache.get()).toBe(3);
    cache.invalidate();
    expect(await cache.get()).toBe(4);
  });
});

describe('paging', () => {
  it('filters by name, description or tag and clamps the page', () => {
    const all = Array.from({ length: 120 }, (_, i) => ({
      name: `s${i}`,
      tags: i === 7 ? ['Rust'] : [],
      valid: true,
      description: i === 8 ? 'About Testing' : undefined,
    }));
    expect(pageOf(all, '', 1).skills).toHaveLength(PAGE_SIZE);
    expect(pageOf(all, '', 99)).toMatchObject({ page: 3, pages: 3, total: 120 });
    expect(pageOf(all, 'rust', 1).skills.map((s) => s.name)).toEqual(['s7']);
    expect(pageOf(all, 'testing', 1).skills.map((s) => s.name)).toEqual(['s8']);
  });
});

describe('config_diff results', () => {
  it('keeps every differing file, with its patch or the kind of change; an unknown shape is undefined', async () => {
    const { diffsOf } = await import('../../../src/api/admin/routes/config.tsx');
    expect(
      diffsOf({
        role: 'r',
        converged: false,
        files: [
          { path: 'config.toml', change: 'held', patch: '--- a\n+++ b\n-x\n' },
          { path: 'mcp.json', change: 'mode' },
        ],
      }),
    ).toEqual([
      { path: 'config.toml', diff: '--- a\n+++ b\n-x\n' },
      { path: 'mcp.json', diff: 'mode' },
    ]);
    expect(diffsOf({ role: 'r', converged: true, files: [] })).toEqual([]);
    expect(diffsOf({ something: 'else' })).toBeUndefined();
  });
});
