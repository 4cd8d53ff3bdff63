/**
 * The dashboard over real listeners, without a browser: admin.sock, /admin/ on TCP, the same-origin rule on
 * mutations, the announced prefix, and no secret on any page or event.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, MARKER_KEY, requestSocket, startAdmin } from './harness.ts';

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdmin({
    skills: ['alpha', 'beta'],
    roles: [
      { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] },
      { name: 'reporter', model: 'kimi-code/kimi-for-coding', driftPolicy: 'report' },
    ],
  });
});
afterAll(async () => h?.stop());

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

describe('admin.sock', () => {
  it('serves every tab over the unix socket, with the four tabs named', async () => {
    for (const path of ['/', '/roles', '/skills', '/config', '/config?role=backend', '/api']) {
      const res = await requestSocket(h.socketPath, path);
      expect(res.status, path).toBe(200);
      expect(res.body).toMatch(/^<!doctype html>/);
      for (const tab of ['Roles', 'Skills', 'Config', 'API docs']) expect(res.body).toContain(`>${tab}</a>`);
    }
    const roles = await requestSocket(h.socketPath, '/roles');
    expect(roles.body).toContain('data-role="backend"');
    expect(roles.body).not.toContain('href="/'); // every link relative
  });

  it('serves htmx and its SSE extension from the npm packages, no CDN', async () => {
    const htmx = await requestSocket(h.socketPath, '/static/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(htmx.headers['content-type']).toMatch(/javascript/);
    expect(htmx.body).toContain('htmx');
    expect((await requestSocket(h.socketPath, '/static/sse.min.js')).body).toContain('sse-connect');
    expect((await requestSocket(h.socketPath, '/static/nope.js')).status).toBe(404);
    const page = await requestSocket(h.socketPath, '/roles');
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });

  it('honours X-Forwarded-Prefix with a <base>, and ignores a malformed one', async () => {
    const res = await requestSocket(h.socketPath, '/roles', { headers: { 'x-forwarded-prefix': '/kimi' } });
    expect(res.body).toContain('<base href="/kimi/"/>');
    const bad = await requestSocket(h.socketPath, '/roles', {
      headers: { 'x-forwarded-prefix': 'https://evil.example/' },
    });
    expect(bad.body).not.toContain('<base');
  });
});

describe('same-origin mutations', () => {
  it('refuses a forged Origin, a missing one and a cross-site fetch with 403, and changes nothing', async () => {
    const body = form({ name: 'forged', model: 'kimi-code/kimi-for-coding', thinking: 'on', drift: 'revert' });
    const cases: Record<string, string>[] = [
      { origin: 'http://evil.example', host: 'localhost' },
      { origin: 'http://localhost.evil.example', host: 'localhost' },
      { origin: 'null', host: 'localhost' },
      { host: 'localhost' },
      { origin: 'http://localhost', host: 'localhost', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of cases) {
      const res = await requestSocket(h.socketPath, '/role-save', {
        method: 'POST',
        headers: { ...headers, 'content-type': FORM },
        body,
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    const forgedTcp = await fetch(`${h.tcpBase}role-delete`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': FORM },
      body: form({ name: 'backend', confirm: 'yes' }),
    });
    expect(forgedTcp.status).toBe(403);
    const roles = (await h.control.store())!.roles.map((r) => r.name);
    expect(roles).toEqual(['backend', 'reporter']);
  });

  it('accepts the dashboard’s own origin (Host, or X-Forwarded-Host behind a proxy)', async () => {
    const ok = await requestSocket(h.socketPath, '/skills-toggle', {
      method: 'POST',
      headers: { origin: 'http://localhost', host: 'localhost', 'content-type': FORM },
      body: form({ role: 'backend', skill: 'beta', on: 'on' }),
    });
    expect(ok.status).toBe(204);
    expect(h.control.store()!.roles.find((r) => r.name === 'backend')!.skills).toEqual(['alpha', 'beta']);
    const proxied = await requestSocket(h.socketPath, '/skills-toggle', {
      method: 'POST',
      headers: {
        origin: 'https://router.example:8443',
        host: 'localhost',
        'x-forwarded-host': 'router.example:8443',
        'content-type': FORM,
      },
      body: form({ role: 'backend', skill: 'beta' }),
    });
    expect(proxied.status).toBe(204);
    expect(h.control.store()!.roles.find((r) => r.name === 'backend')!.skills).toEqual(['alpha']);
  });
});

describe('the TCP listener', () => {
  it('serves the dashboard under /admin/ and redirects /admin', async () => {
    const page = await fetch(h.tcpBase);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-role="backend"');
    const bare = await fetch(h.tcpBase.replace(/\/$/, ''), { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(new URL(bare.headers.get('location')!, h.tcpBase.replace(/\/$/, '')).href).toBe(h.tcpBase);
  });
});

describe('no secret on any page or event', () => {
  it('the marker key is on disk, and on no page, fragment, rendered config or event', async () => {
    await h.manager.settled();
    const disk = readFileSync(join(h.tree.paths.rolesDir, 'backend', 'config.toml'), 'utf8');
    expect(disk).toContain(MARKER_KEY); // the page would have something to leak
    const events = new AbortController();
    const stream = await fetch(`${h.tcpBase}events`, { signal: events.signal });
    const reader = stream.body!.getReader();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })();
    const pages: string[] = [];
    for (const path of [
      'roles',
      'roles-table',
      'skills',
      'skills-table?q=a',
      'config?role=backend',
      'config-panel?role=reporter',
      'api',
      'role-edit?name=backend',
      'role-new',
    ]) {
      pages.push(await (await fetch(`${h.tcpBase}${path}`)).text());
    }
    const post = (path: string, fields: Record<string, string>) =>
      fetch(`${h.tcpBase}${path}`, {
        method: 'POST',
        headers: { origin: new URL(h.tcpBase).origin, 'content-type': FORM, 'hx-request': 'true' },
        body: form(fields),
      }).then((r) => r.text());
    pages.push(await post('role-render', { name: 'backend' }));
    pages.push(await post('role-write', { name: 'backend' }));
    pages.push(await post('api-try', { method: 'config_render', params: '{"role":"backend"}' }));
    pages.push(await post('api-try', { method: 'status', params: '{}' }));
    pages.push(await post('skills-sync', { roles: 'backend' }));
    expect(pages.join('\n')).toContain('redacted');
    for (const p of pages) expect(p).not.toContain(MARKER_KEY);
    await expect.poll(() => seen, { timeout: 5000 }).toContain('event: status');
    events.abort();
    await reading;
    expect(seen).not.toContain(MARKER_KEY);
    expect(existsSync(join(h.tree.paths.rolesDir, 'backend', 'config.toml'))).toBe(true);
  });
});

describe('without JavaScript', () => {
  it('the matrix form saves the ticks of the shown role columns only and comes back to the same view', async () => {
    const body = new URLSearchParams([
      ['q', ''],
      ['page', '1'],
      ['shown', 'alpha'],
      ['shown', 'beta'],
      ['cols', 'reporter'],
      ['on', 'reporter/beta'],
    ]).toString();
    const res = await requestSocket(h.socketPath, '/skills-save', {
      method: 'POST',
      headers: { origin: 'http://localhost', host: 'localhost', 'content-type': FORM },
      body,
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('skills?q=&page=1&cols=reporter');
    const roles = h.control.store()!.roles;
    expect(roles.find((r) => r.name === 'reporter')!.skills).toEqual(['beta']);
    expect(roles.find((r) => r.name === 'backend')!.skills).toEqual(['alpha']); // not a shown column: untouched
  });
});
