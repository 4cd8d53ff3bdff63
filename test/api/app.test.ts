/** The app through app.request(): health, readiness, status, metrics, OpenRPC, and every method and error code. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/api/metrics.ts';
import { buildStatusDocument } from '../../src/api/status-document.ts';
import { eventually } from '../helpers/cli.ts';
import { put } from '../helpers/tree.ts';
import { assertNoSecret, type Harness, startHarness } from './helpers.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('HTTP routes', () => {
  it('serves healthz, status, one role, 404 for an unknown role, and Prometheus text', async () => {
    expect((await h.api.app.request('/healthz')).status).toBe(200);
    const doc: any = await (await h.api.app.request('/status')).json();
    expect(doc.global).toMatchObject({
      version: '0.0.0-test',
      ready: true,
      registry: { exists: true, valid: 1 },
      queue: { depth: 0, active: 0 },
    });
    expect(doc.roles).toHaveLength(1);
    expect(doc.roles[0]).toMatchObject({ name: 'backend', phase: 'Ready', generation: 1, observedGeneration: 1 });
    expect(doc.roles[0].skills[0]).toMatchObject({ name: 'tdd', stale: false });
    expect(doc.roles[0].skills[0].md5).toBe(doc.roles[0].skills[0].lastSyncedMd5);
    const one = await h.api.app.request('/status/roles/backend');
    expect(((await one.json()) as any).conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
    expect((await h.api.app.request('/status/roles/nope')).status).toBe(404);
    expect((await h.api.app.request('/status/roles/..%2Fetc')).status).toBe(404);
    const m = await h.api.app.request('/metrics');
    expect(m.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await m.text();
    expect(text).toMatch(/hero_team_reconcile_total\{role="backend",result="converged"\} 1/);
    expect(text).toMatch(/hero_team_role_phase\{role="backend",phase="Ready"\} 1/);
    expect(text).toMatch(/hero_team_registry_skills 1/);
    expect(text).toMatch(/hero_team_process_cpu_seconds_total/);
    expect(text).toMatch(/hero_team_http_requests_total\{route="\/status\/roles\/:name",status="404"\}/);
    expect(text).toMatch(
      /hero_team_reconcile_duration_seconds_bucket\{role="backend",result="converged",le="\+Inf"\} 1\n/,
    );
    expect(text).toMatch(/hero_team_reconcile_duration_seconds_count\{role="backend",result="converged"\} 1\n/);
    expect(text).toMatch(/# TYPE hero_team_reconcile_duration_seconds histogram/);
  });

  it('bounds the role label: roles past the limit count under _other', async () => {
    const metrics = createMetrics(h.control, 1);
    try {
      await h.call('role_upsert', { role: { name: 'second', model: 'kimi-code/kimi-for-coding' } });
      await h.call('config_write', { role: 'second' });
      await h.call('config_write', { role: 'backend' });
      const { text } = await metrics.scrape();
      expect(text).toMatch(/hero_team_reconcile_total\{role="second",result="converged"\} [12]\n/);
      expect(text).toMatch(/hero_team_reconcile_total\{role="_other",result="converged"\} 1\n/);
      expect(text).not.toMatch(/role="backend"/);
    } finally {
      metrics.close();
    }
  });

  it('a skill edited in the registry shows as stale until the role converges again', async () => {
    put(join(h.tree.paths.skillsDir, 'tdd', 'SKILL.md'), '---\nname: tdd\ndescription: changed\n---\nnew body\n');
    const r = await h.call('skill_sync', { role: 'backend' });
    expect(r.result.roles[0]).toMatchObject({ role: 'backend', outcome: 'converged', written: 1 });
    const s = await h.call('status', { role: 'backend' });
    expect(s.result.skills[0].stale).toBe(false);
    put(join(h.tree.paths.skillsDir, 'tdd', 'SKILL.md'), '---\nname: tdd\ndescription: again\n---\nbody 3\n');
    await h.control.manager.sources.scanRegistry();
    const after = await h.call('skill_list', { role: 'backend' });
    expect(after.result.skills[0]).toMatchObject({ name: 'tdd', stale: true });
    expect(after.result.skills[0].md5).not.toBe(after.result.skills[0].lastSyncedMd5);
  });
});

describe('GET /status text', () => {
  /** The body of GET /status, checked against the document built afresh (its content type too). */
  const statusText = async () => {
    const res = await h.api.app.request('/status');
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(text).toBe(JSON.stringify(buildStatusDocument(h.control)));
    return text;
  };

  it('is the status document, kept per role only while the role, its spec and its skills are the same', async () => {
    const first = await statusText();
    expect(await statusText()).toBe(first);
    // A new role, its reconcile, a spec change: each shows at once.
    await h.call('role_upsert', { role: { name: 'front', model: 'kimi-code/kimi-for-coding', skills: ['lint'] } });
    expect(await statusText()).toMatch(/"name":"front","phase":"Pending"/);
    await h.call('config_write', { role: 'front', timeoutMs: 5000 });
    expect(await statusText()).toMatch(/"name":"front","phase":"Ready"/);
    await h.call('role_upsert', {
      role: { name: 'front', model: 'kimi-code/kimi-for-coding', skills: ['lint', 'tdd'] },
    });
    await statusText();
    // A registry edit makes the copy stale without any reconcile: the kept text of the role must not hide it.
    put(join(h.tree.paths.skillsDir, 'tdd', 'SKILL.md'), '---\nname: tdd\ndescription: changed\n---\nnew body\n');
    await h.control.manager.sources.scanRegistry();
    const stale = JSON.parse(await statusText());
    expect(stale.roles.find((r: any) => r.name === 'backend').skills[0]).toMatchObject({ name: 'tdd', stale: true });
    await h.call('config_write', { role: 'backend', timeoutMs: 5000 });
    expect(JSON.parse(await statusText()).roles[0].skills[0].stale).toBe(false);
    // A deleted role leaves the document once pruned.
    await h.call('role_delete', { name: 'front' });
    await h.call('config_write', { role: 'backend', timeoutMs: 5000 });
    await eventually(() => !h.manager.status.get('front'), 5000, 'front pruned');
    expect(await statusText()).not.toMatch(/"name":"front"/);
  });
});

describe('/readyz', () => {
  it('is 503 with the reason before the first convergence and 200 after', async () => {
    const cold = await startHarness({ start: false });
    try {
      const before = await cold.api.app.request('/readyz');
      expect(before.status).toBe(503);
      expect(((await before.json()) as any).reason).toMatch(/starting/);
      await cold.manager.start();
      expect((await cold.api.app.request('/readyz')).status).toBe(503);
      await cold.manager.settled();
      cold.control.readiness.ready();
      expect((await cold.api.app.request('/readyz')).status).toBe(200);
    } finally {
      await cold.close();
    }
  });
});

describe('JSON-RPC methods', () => {
  it('role_list and role_get', async () => {
    const list = await h.call('role_list');
    expect(list.result.roles).toEqual([expect.objectContaining({ name: 'backend', generation: 1, phase: 'Ready' })]);
    const get = await h.call('role_get', { name: 'backend' });
    expect(get.result.launch).toMatch(/^kimi --config-file .*\/backend\/config\.toml/);
    expect(get.result.files.map((f: any) => f.path)).toContain('config.toml');
    expect(get.result.status.phase).toBe('Ready');
    expect((await h.call('role_get', { name: 'ghost' })).error.code).toBe(-32002);
  });

  it('role_upsert bumps the generation once per change, refuses stale writes, and the role converges', async () => {
    const a = await h.call('role_upsert', {
      role: { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd', 'lint'] },
    });
    expect(a.result).toEqual({ name: 'backend', generation: 2, changed: true });
    const same = await h.call('role_upsert', {
      role: { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd', 'lint'] },
    });
    expect(same.result).toEqual({ name: 'backend', generation: 2, changed: false });
    const stale = await h.call('role_upsert', {
      role: { name: 'backend', model: 'kimi-code/kimi-for-coding' },
      expectedGeneration: 1,
    });
    expect(stale.error).toMatchObject({ code: -32001, data: { generation: 2, expectedGeneration: 1 } });
    const created = await h.call('role_upsert', {
      role: { name: 'front', model: 'kimi-code/kimi-for-coding', context: 1000, drift: 'report' },
      expectedGeneration: 0,
    });
    expect(created.result).toEqual({ name: 'front', generation: 1, changed: true });
    const store = JSON.parse(readFileSync(join(h.tree.paths.home, 'store.json'), 'utf8'));
    expect(store.roles.find((r: any) => r.name === 'front')).toMatchObject({
      maxContextSize: 1000,
      driftPolicy: 'report',
    });
    await eventually(
      () => existsSync(join(h.tree.paths.rolesDir, 'backend', 'skills', 'lint', 'SKILL.md')),
      5000,
      'lint copied',
    );
    await eventually(() => h.manager.status.get('front')?.phase === 'Ready', 5000, 'front converges');
  });

  it('role_upsert refuses unknown models, skills and services with -32602 and changes nothing', async () => {
    const before = readFileSync(join(h.tree.paths.home, 'store.json'), 'utf8');
    for (const role of [
      { name: 'x', model: 'no/model' },
      { name: 'x', model: 'kimi-code/kimi-for-coding', skills: ['missing'] },
      { name: 'x', model: 'kimi-code/kimi-for-coding', mcp: ['nosvc'] },
      { name: 'Bad Name', model: 'kimi-code/kimi-for-coding' },
      { name: 'x', model: 'kimi-code/kimi-for-coding', extra: 1 },
    ]) {
      const r = await h.call('role_upsert', { role });
      expect(r.error.code, JSON.stringify(role)).toBe(-32602);
      expect(Array.isArray(r.error.data)).toBe(true);
    }
    expect(readFileSync(join(h.tree.paths.home, 'store.json'), 'utf8')).toBe(before);
  });

  it('role_upsert refuses a preset that does not exist (or is invalid) with -32602 naming it, as role add --preset does', async () => {
    const before = readFileSync(join(h.tree.paths.home, 'store.json'), 'utf8');
    const r = await h.call('role_upsert', {
      role: { name: 'x', model: 'kimi-code/kimi-for-coding', preset: 'no-such-preset' },
    });
    expect(r.error).toMatchObject({
      code: -32602,
      message: 'unknown preset "no-such-preset"; see "hero-team preset list"',
      data: [expect.objectContaining({ path: ['role', 'preset'], code: 'unknown_preset' })],
    });
    // A user preset directory without its files: invalid, refused with the loader's reason.
    put(join(h.tree.paths.home, 'presets', 'half', 'system.md'), 'prompt\n');
    const invalid = await h.call('role_upsert', {
      role: { name: 'x', model: 'kimi-code/kimi-for-coding', preset: 'half' },
    });
    expect(invalid.error).toMatchObject({ code: -32602, message: expect.stringMatching(/preset "half".*agent\.yaml/) });
    expect(readFileSync(join(h.tree.paths.home, 'store.json'), 'utf8')).toBe(before);
    const ok = await h.call('role_upsert', {
      role: { name: 'x', model: 'kimi-code/kimi-for-coding', preset: 'reviewer' },
    });
    expect(ok.result).toEqual({ name: 'x', generation: 1, changed: true });
  });

  it('role_upsert checks only the skills a change adds, and the context against the model', async () => {
    const { rmSync } = await import('node:fs');
    rmSync(join(h.tree.paths.skillsDir, 'tdd'), { recursive: true });
    await h.control.manager.sources.scanRegistry();
    expect(h.control.manager.sources.registry.index.skills.has('tdd')).toBe(false);
    const r = await h.call('role_upsert', {
      role: { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd', 'lint'] },
    });
    expect(r.result).toMatchObject({ generation: 2, changed: true });
    const big = await h.call('role_upsert', {
      role: { name: 'backend', model: 'sambanova/llama-3.3-70b', context: 200000 },
    });
    expect(big.error).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/exceeds the model's context of 131072/),
    });
  });

  it('role_delete removes the role and its files are pruned', async () => {
    expect((await h.call('role_delete', { name: 'backend' })).result).toEqual({ name: 'backend', deleted: true });
    expect((await h.call('role_delete', { name: 'backend' })).error.code).toBe(-32002);
    await eventually(() => !existsSync(join(h.tree.paths.rolesDir, 'backend', 'config.toml')), 5000, 'pruned');
  });

  it('skill_list without a role lists the whole registry with the roles using each skill', async () => {
    put(join(h.tree.paths.skillsDir, 'broken', 'SKILL.md'), '---\nname: [unclosed\n---\n');
    put(
      join(h.tree.paths.skillsDir, 'tagged', 'SKILL.md'),
      '---\nname: tagged\ndescription: has tags\ntags: [testing, go]\n---\nbody\n',
    );
    put(
      join(h.tree.paths.skillsDir, 'meta-tagged', 'SKILL.md'),
      '---\nname: meta-tagged\ndescription: tags under metadata\nmetadata:\n  tags: "a, b"\n---\nbody\n',
    );
    const r = await h.call('skill_list', {});
    const byName = Object.fromEntries(r.result.skills.map((s: any) => [s.name, s]));
    expect(byName.tdd).toMatchObject({ valid: true, roles: ['backend'], description: 'the tdd skill', tags: [] });
    expect(byName.lint).toMatchObject({ valid: true, roles: [] });
    expect(byName.tagged).toMatchObject({ valid: true, description: 'has tags', tags: ['testing', 'go'] });
    expect(byName['meta-tagged']).toMatchObject({ valid: true, tags: ['a', 'b'] });
    expect(byName.broken.tags).toEqual([]);
    expect(byName.broken).toMatchObject({ valid: false });
    expect(byName.broken.reason).toBeTruthy();
    expect((await h.call('skill_list', { role: 'ghost' })).error.code).toBe(-32002);
  });

  it('config_render redacts keys; config_write converges now and reports what it wrote', async () => {
    const r = await h.call('config_render', { role: 'backend' });
    expect(r.result.content).toMatch(/default_model = "kimi-code\/kimi-for-coding"/);
    expect(r.result.content).toMatch(/<redacted:KIMI_API_KEY>/);
    const mcp = await h.call('config_render', { role: 'backend', file: 'mcp.json' });
    expect(JSON.parse(mcp.result.content)).toEqual({ mcpServers: {} });
    put(join(h.tree.paths.rolesDir, 'backend', 'config.toml'), 'hand edit\n');
    const w = await h.call('config_write', { role: 'backend', timeoutMs: 5000 });
    expect(w.result).toMatchObject({ role: 'backend', outcome: 'converged', written: 1, backups: 1 });
    expect((await h.call('config_write', { role: 'ghost' })).error.code).toBe(-32002);
  });

  it('config_write answers -32004 when no reconcile finishes in time', async () => {
    await h.manager.stop(); // nothing reconciles any more
    const r = await h.call('config_write', { role: 'backend', timeoutMs: 50 });
    expect(r.error).toMatchObject({ code: -32004, data: { pending: ['backend'] } });
  });

  it('status, model_list (keys as set/unset only) and rpc.discover', async () => {
    const doc = await h.call('status');
    expect(doc.result.global.ready).toBe(true);
    expect((await h.call('status', { role: 'ghost' })).error.code).toBe(-32002);
    const models = await h.call('model_list');
    const kimi = models.result.providers.find((p: any) => p.name === 'managed:kimi-code');
    expect(kimi).toMatchObject({ keyVariable: 'KIMI_API_KEY', keySet: true });
    expect(models.result.providers.find((p: any) => p.name === 'managed:sambanova').keySet).toBe(false);
    const d = await h.call('rpc.discover');
    expect(d.result.methods.map((m: any) => m.name)).toContain('role_upsert');
    expect(await (await h.api.app.request('/openrpc.json')).json()).toEqual(d.result);
  });

  it('an invalid store.json answers -32003 to mutations and leaves the file as it is', async () => {
    const file = join(h.tree.paths.home, 'store.json');
    put(file, '{ "version": 1, "roles": [ }');
    const r = await h.call('role_upsert', { role: { name: 'backend', model: 'kimi-code/kimi-for-coding' } });
    expect(r.error.code).toBe(-32003);
    expect(r.error.message).toMatch(/store\.json:1:/);
    expect(readFileSync(file, 'utf8')).toBe('{ "version": 1, "roles": [ }');
  });
});

describe('JSON-RPC protocol edges', () => {
  const cases: [string, unknown, (r: { status: number; body: any }) => void][] = [
    [
      'parse error',
      '{"jsonrpc": "2.0", "method"',
      (r) =>
        expect(r.body).toEqual({
          jsonrpc: '2.0',
          id: null,
          error: { code: -32700, message: 'body is not valid JSON' },
        }),
    ],
    ['empty batch', [], (r) => expect(r.body).toMatchObject({ id: null, error: { code: -32600 } })],
    [
      'one-element batch answers an array',
      [{ jsonrpc: '2.0', id: 1, method: 'status' }],
      (r) => expect(r.body).toHaveLength(1),
    ],
    [
      'all notifications: 204, no body',
      [{ jsonrpc: '2.0', method: 'status' }],
      (r) => expect([r.status, r.body]).toEqual([204, undefined]),
    ],
    [
      'bad jsonrpc version keeps the id',
      { jsonrpc: '1.0', id: 7, method: 'status' },
      (r) => expect(r.body).toMatchObject({ id: 7, error: { code: -32600 } }),
    ],
    [
      'object id is invalid',
      { jsonrpc: '2.0', id: {}, method: 'status' },
      (r) => expect(r.body).toMatchObject({ id: null, error: { code: -32600 } }),
    ],
    [
      'unknown method',
      { jsonrpc: '2.0', id: 'a', method: 'nope' },
      (r) => expect(r.body).toMatchObject({ id: 'a', error: { code: -32601 } }),
    ],
    [
      'prototype key is not a method',
      { jsonrpc: '2.0', id: 1, method: '__proto__' },
      (r) => expect(r.body.error.code).toBe(-32601),
    ],
    [
      'positional params',
      { jsonrpc: '2.0', id: 1, method: 'role_get', params: ['backend'] },
      (r) => expect(r.body.error.code).toBe(-32602),
    ],
    [
      'zod issues in data',
      { jsonrpc: '2.0', id: 1, method: 'role_get', params: { name: 3 } },
      (r) => expect(r.body.error).toMatchObject({ code: -32602, data: [{ path: ['name'] }] }),
    ],
    [
      'mixed batch',
      [{ jsonrpc: '2.0', id: 1, method: 'status' }, 5, { jsonrpc: '2.0', method: 'status' }],
      (r) => expect(r.body.map((x: any) => x.error?.code ?? 0)).toEqual([0, -32600]),
    ],
  ];
  for (const [name, body, check] of cases) {
    it(name, async () => {
      const r = await h.rpc(body);
      expect(r.status === 200 || r.status === 204).toBe(true);
      check(r);
    });
  }
});

describe('secrets', () => {
  it('no endpoint and no method result contains a marker key', async () => {
    const texts: string[] = [];
    for (const path of ['/healthz', '/readyz', '/status', '/status/roles/backend', '/metrics', '/openrpc.json'])
      texts.push(await (await h.api.app.request(path)).text());
    const calls: [string, unknown][] = [
      ['role_list', {}],
      ['role_get', { name: 'backend' }],
      ['skill_list', {}],
      ['skill_list', { role: 'backend' }],
      ['config_render', { role: 'backend' }],
      ['config_render', { role: 'backend', file: 'mcp.json' }],
      ['status', {}],
      ['model_list', {}],
      ['config_write', { role: 'backend' }],
    ];
    for (const [m, p] of calls) texts.push(JSON.stringify(await h.call(m, p)));
    expect(texts.join('\n')).toContain('KIMI_API_KEY');
    for (const t of texts) assertNoSecret(t);
  });
});

describe('internal errors', () => {
  it('a handler that throws unexpectedly answers -32603 without its message, and the app keeps serving', async () => {
    const { createApiApp } = await import('../../src/api/app.ts');
    const { defineMethod } = await import('../../src/api/rpc/method.ts');
    const { METHODS } = await import('../../src/api/rpc/methods.ts');
    const { z } = await import('zod');
    const boom = defineMethod({
      summary: 'throws',
      params: z.object({}),
      result: z.null(),
      examples: [],
      handler: async () => {
        throw new Error('secret internals /etc/x');
      },
    });
    const { silentLogger } = await import('../../src/log.ts');
    const api = createApiApp({ control: h.control, log: silentLogger(), methods: { ...METHODS, boom } as never });
    try {
      const res = await api.app.request('/rpc', {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'boom' }),
      });
      expect(res.status).toBe(200);
      const body: any = await res.json();
      expect(body).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } });
      expect((await api.app.request('/healthz')).status).toBe(200);
    } finally {
      api.metrics.close();
    }
  });
});
