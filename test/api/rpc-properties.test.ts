/** Property: any body POSTed to /rpc gets a well-formed JSON-RPC reply (or a batch, or 204), never a 5xx, and the daemon stays healthy. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Read-only methods and near-misses; mutations are left out so the store stays as it is between runs. */
const METHOD_NAMES = [
  'role_list',
  'role_get',
  'skill_list',
  'config_render',
  'status',
  'model_list',
  'rpc.discover',
  'nope',
  '',
  '__proto__',
  'constructor',
  'role_get ',
  'toString',
];

const anyId = fc.oneof(
  fc.integer(),
  fc.string(),
  fc.constant(null),
  fc.double(),
  fc.boolean(),
  fc.object(),
  fc.constant(undefined),
);
const params = fc.oneof(
  fc.constant(undefined),
  fc.record(
    { name: fc.oneof(fc.constantFrom('backend', 'ghost', '../x', 'A'), fc.string(), fc.integer()) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      role: fc.oneof(fc.constant('backend'), fc.string(), fc.anything()),
      file: fc.oneof(fc.constantFrom('config.toml', 'mcp.json'), fc.string()),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
  fc.array(fc.anything()),
);
const request = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), fc.anything()),
    id: anyId,
    method: fc.oneof(fc.constantFrom(...METHOD_NAMES), fc.string(), fc.anything()),
    params,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  { weight: 4, arbitrary: request.map((r) => JSON.stringify(r) ?? 'null') },
  { weight: 2, arbitrary: fc.array(fc.oneof(request, fc.anything()), { maxLength: 6 }).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: request.map((r) => JSON.stringify(r).slice(0, -1 - Math.floor(Math.random() * 5))) },
);

/** A valid response object: jsonrpc 2.0, an id member, exactly one of result and error (code integer, message string). */
function wellFormed(r: any): boolean {
  if (typeof r !== 'object' || r === null || r.jsonrpc !== '2.0' || !('id' in r)) return false;
  if (!(typeof r.id === 'string' || typeof r.id === 'number' || r.id === null)) return false;
  if ('result' in r === 'error' in r) return false;
  return !('error' in r) || (Number.isInteger(r.error.code) && typeof r.error.message === 'string');
}

describe('POST /rpc with random and malformed bodies', () => {
  it('answers every one of 2,000 bodies with well-formed JSON-RPC and never a 5xx', async () => {
    let replies = 0;
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await h.api.app.request('/rpc', {
          method: 'POST',
          body: text,
          headers: { 'content-type': 'application/json' },
        });
        expect(res.status).toBeLessThan(500);
        const out = await res.text();
        if (res.status === 204) {
          expect(out).toBe('');
          return;
        }
        expect(res.status).toBe(200);
        const parsed = JSON.parse(out);
        const all = Array.isArray(parsed) ? parsed : [parsed];
        if (Array.isArray(parsed)) expect(parsed.length).toBeGreaterThan(0);
        for (const r of all) expect(wellFormed(r), out.slice(0, 300)).toBe(true);
        expect(
          all.every((r: any) => r.error?.code !== -32603),
          out.slice(0, 300),
        ).toBe(true);
        replies++;
      }),
      { numRuns: 2000 },
    );
    expect(replies).toBeGreaterThan(1000);
    expect((await h.api.app.request('/healthz')).status).toBe(200);
    expect((await h.call('role_list')).result.roles).toHaveLength(1);
  }, 120_000);
});
