/** Compressed JSON answers: negotiation, the middleware on the real app, and the typed client decoding them. */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, socketTransport } from '../../src/api/client.ts';
import { COMPRESS_MIN_BYTES, chooseEncoding } from '../../src/api/compress.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';
import { assertNoSecret, type Harness, startHarness } from './helpers.ts';

describe('chooseEncoding', () => {
  it.each([
    ['br, gzip', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.9, br;q=0.2', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['*;q=0', undefined],
    ['identity', undefined],
    ['deflate', undefined],
    ['', undefined],
    [undefined, undefined],
    [',,;;=', undefined],
  ])('%j → %s', (header, want) => {
    expect(chooseEncoding(header)).toBe(want);
  });
});

describe('the app compresses JSON for clients that ask', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // Enough roles that the status document is well over the threshold.
    for (let i = 0; i < 8; i++) addSkill(h.tree, `s${i}`);
    const roles = Array.from({ length: 12 }, (_, i) => ({
      name: `role-${i}`,
      model: 'kimi-code/kimi-for-coding',
      skills: Array.from({ length: 8 }, (_, k) => `s${k}`),
    }));
    writeStore(h.tree, roles);
    await h.manager.reloadStore();
    await h.manager.settled();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers GET /status in br or gzip, byte-identical once decoded, and plain without Accept-Encoding', async () => {
    const plain = await h.api.app.request('/status');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toMatch(/accept-encoding/i);
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(COMPRESS_MIN_BYTES * 4);
    for (const [enc, decode] of [
      ['br', brotliDecompressSync],
      ['gzip', gunzipSync],
    ] as const) {
      const res = await h.api.app.request('/status', { headers: { 'accept-encoding': enc } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(enc);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      expect(bytes.length).toBeLessThan(text.length / 4);
      const doc = JSON.parse(decode(bytes).toString('utf8'));
      expect(doc.roles.map((r: any) => r.name)).toEqual(JSON.parse(text).roles.map((r: any) => r.name));
      expect({ ...doc, global: { ...doc.global, uptimeSeconds: 0 } }).toEqual({
        ...JSON.parse(text),
        global: { ...JSON.parse(text).global, uptimeSeconds: 0 },
      });
    }
  });

  it('compresses large JSON-RPC replies, leaves small answers and non-JSON routes as they are', async () => {
    const rpc = await h.api.app.request('/rpc', {
      method: 'POST',
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'status' }),
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
    });
    expect(rpc.headers.get('content-encoding')).toBe('gzip');
    const reply = JSON.parse(gunzipSync(Buffer.from(await rpc.arrayBuffer())).toString('utf8'));
    expect(reply.result.roles).toHaveLength(12);
    assertNoSecret(JSON.stringify(reply));

    const small = await h.api.app.request('/healthz', { headers: { 'accept-encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.json()).toEqual({ ok: true });

    const metrics = await h.api.app.request('/metrics', { headers: { 'accept-encoding': 'br' } });
    expect(metrics.headers.get('content-encoding')).toBeNull();
    expect(await metrics.text()).toMatch(/hero_team_reconcile_total/);

    const missing = await h.api.app.request('/status/roles/nope', { headers: { 'accept-encoding': 'br' } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error).toMatch(/nope/);
  });
});

describe('the socket transport', () => {
  let tree: TestTree;
  let server: Server;
  let socket: string;
  const doc = { global: { ready: true }, roles: [{ name: 'x'.repeat(5000) }] };
  beforeAll(async () => {
    tree = makeTree();
    writeStore(tree, []);
    socket = join(tree.root, 't.sock');
    server = createServer((req, res) => {
      const body = Buffer.from(JSON.stringify(doc));
      const enc = req.url === '/status/roles/odd' ? 'compress' : req.url === '/status/roles/gz' ? 'gzip' : 'br';
      expect(req.headers['accept-encoding']).toBe('br, gzip');
      const sent = enc === 'br' ? brotliCompressSync(body) : enc === 'gzip' ? gzipSync(body) : body;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': enc });
      res.end(sent);
    });
    await new Promise<void>((r) => server.listen(socket, r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    tree.cleanup();
  });

  it('asks for br or gzip and decodes either; an encoding it did not ask for is an error', async () => {
    const client = connect({ socket });
    expect(await client.status()).toEqual(doc);
    expect(await client.roleStatus('gz')).toEqual(doc);
    await expect(socketTransport(socket)('GET', '/status/roles/odd')).rejects.toThrow(/Content-Encoding: compress/);
  });
});
