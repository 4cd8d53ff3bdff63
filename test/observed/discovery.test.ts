/**
 * Live service discovery against a real HTTP server: down at start, a list, a change reaching mcp.json within
 * one interval (conditional requests in between), garbage, the server gone, recovery. The last good list stays
 * in force throughout, roles show DiscoveryUnavailable while the source is down, and no secret is logged.
 */

import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { Manager } from '../../src/controllers/manager.ts';
import { createLogger } from '../../src/log.ts';
import { httpDiscoverySource, parseDiscoveryTarget } from '../../src/observed/discovery/http-source.ts';
import { eventually } from '../helpers/cli.ts';
import { makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

const INTERVAL = 300;
const SECRET = 'ghp-DISCOVERY-SECRET-4242';

let tree: TestTree;
let manager: Manager | undefined;
let server: Server | undefined;
let logText = '';
/** What the server answers now, and what it saw. */
const router = { body: '' as string, etag: undefined as string | undefined, requests: 0, notModified: 0 };

function listen(port = 0): Promise<number> {
  server = createServer((req, res) => {
    router.requests++;
    if (router.etag && req.headers['if-none-match'] === router.etag) {
      router.notModified++;
      res.writeHead(304).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json', ...(router.etag ? { etag: router.etag } : {}) })
      .end(router.body);
  });
  return new Promise((resolve) =>
    server!.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port)),
  );
}

function close(): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

function serve(services: Record<string, unknown>, etag: string): void {
  router.body = JSON.stringify({ services });
  router.etag = etag;
}

const mcp = (role: string) => JSON.parse(readFileSync(join(tree.paths.rolesDir, role, 'mcp.json'), 'utf8')).mcpServers;
const condition = (role: string) =>
  manager!.status.get(role)?.conditions.find((c) => c.type === 'DiscoveryUnavailable');

beforeEach(() => {
  tree = makeTree();
  logText = '';
  Object.assign(router, { body: '', etag: undefined, requests: 0, notModified: 0 });
  writeStore(tree, [
    { name: 'web', model: 'kimi-code/kimi-for-coding', mcp: ['github'] },
    { name: 'all', model: 'kimi-code/kimi-for-coding', mcp: ['*'] },
    { name: 'local', model: 'kimi-code/kimi-for-coding', mcp: ['files'] },
    { name: 'none', model: 'kimi-code/kimi-for-coding' },
  ]);
  put(join(tree.paths.home, 'services.json'), JSON.stringify({ services: { files: { command: 'files-mcp' } } }));
});
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  await close();
  server = undefined;
  tree.cleanup();
});

async function startManager(port: number): Promise<void> {
  const log = createLogger(
    'debug',
    new Writable({
      write: (c, _e, cb) => {
        logText += c;
        cb();
      },
    }) as never,
  );
  manager = new Manager({
    paths: tree.paths,
    tuning: { ...tree.config.tuning, debounceMs: 10 },
    env: { KIMI_API_KEY: 'k' },
    clock: systemClock,
    log,
    watch: true,
    discovery: { source: httpDiscoverySource({ url: `http://127.0.0.1:${port}/mcp/services` }), intervalMs: INTERVAL },
  });
  await manager.start();
  await manager.settled();
}

describe('live service discovery', () => {
  it('survives a source that is down at start, propagates changes within one interval, keeps the last good list on garbage and outage, and recovers', async () => {
    // Down at start: a port nobody listens on.
    const port = await listen();
    await close();
    await startManager(port);
    expect(mcp('web')).toEqual({});
    expect(mcp('local')).toEqual({ files: { command: 'files-mcp' } });
    expect(condition('web')).toMatchObject({ status: 'True', reason: 'SourceUnreachable' });
    expect(condition('all')?.status).toBe('True');
    expect(condition('local')?.status).toBe('False'); // takes nothing from discovery
    expect(condition('none')?.status).toBe('False');

    // The source comes up with a list: it reaches the roles that whitelist it, and the condition clears.
    serve({ github: { url: 'https://mcp.example/github', headers: { Authorization: `Bearer ${SECRET}` } } }, '"v1"');
    await listen(port);
    await eventually(
      () => mcp('web').github?.url === 'https://mcp.example/github',
      5 * INTERVAL,
      'first list in mcp.json',
    );
    await eventually(() => condition('web')?.status === 'False', 2 * INTERVAL, 'condition cleared');
    // The `*` role is woken by the same change but may reconcile a moment after `web`.
    await eventually(() => 'github' in mcp('all'), 5 * INTERVAL, 'first list in the * role');
    expect(Object.keys(mcp('all')).sort()).toEqual(['files', 'github']);
    expect(mcp('local')).toEqual({ files: { command: 'files-mcp' } });
    // Unchanged between polls: conditional requests answered 304.
    await eventually(() => router.notModified >= 2, 4 * INTERVAL, 'conditional requests');

    // A change propagates to mcp.json within one interval (plus the reconcile).
    const changedAt = Date.now();
    serve({ github: { url: 'https://mcp.example/github-v2', headers: { Authorization: `Bearer ${SECRET}` } } }, '"v2"');
    await eventually(
      () => mcp('web').github.url === 'https://mcp.example/github-v2',
      3 * INTERVAL,
      'changed list in mcp.json',
    );
    expect(Date.now() - changedAt).toBeLessThan(INTERVAL + 500);
    expect(statSync(join(tree.paths.home, 'cache', 'discovered-services.json')).mode & 0o777).toBe(0o600);

    // Garbage: the last good list stays, the roles say why.
    router.body = '<html>502 Bad Gateway</html>';
    router.etag = undefined;
    await eventually(() => condition('web')?.status === 'True', 4 * INTERVAL, 'garbage flagged');
    expect(condition('web')!.message).toContain('answer is not JSON');
    expect(mcp('web').github.url).toBe('https://mcp.example/github-v2');
    // A valid JSON that is not a list is garbage too.
    router.body = JSON.stringify({ services: { github: { url: 42 } } });
    await eventually(
      () => condition('web')?.message.includes('not a service list'),
      4 * INTERVAL,
      'invalid list flagged',
    );

    // The server goes away: still the last good list, never pruned.
    await close();
    await eventually(() => /ECONNREFUSED/.test(condition('web')?.message ?? ''), 4 * INTERVAL, 'outage flagged');
    await new Promise((r) => setTimeout(r, 2 * INTERVAL));
    expect(mcp('web').github.url).toBe('https://mcp.example/github-v2');

    // Recovery.
    serve({ github: { url: 'https://mcp.example/github-v3' } }, '"v3"');
    await listen(port);
    await eventually(
      () => mcp('web').github?.url === 'https://mcp.example/github-v3' && condition('web')?.status === 'False',
      5 * INTERVAL,
      'recovery',
    );

    expect(router.requests).toBeGreaterThan(5);
    expect(logText).toContain('service discovery unavailable');
    expect(logText).not.toContain(SECRET);
  });

  it('a restart while the source is down renders the kept list, not an empty one', async () => {
    const port = await listen();
    serve({ github: { command: 'gh-mcp', env: { GH_TOKEN: SECRET } } }, '"a"');
    await startManager(port);
    expect(mcp('web')).toEqual({ github: { command: 'gh-mcp', env: { GH_TOKEN: SECRET } } });
    await manager!.stop();
    await close();
    await startManager(port);
    expect(condition('web')?.status).toBe('True');
    expect(mcp('web')).toEqual({ github: { command: 'gh-mcp', env: { GH_TOKEN: SECRET } } });
    expect(logText).not.toContain(SECRET);
  });
});

describe('the HTTP source on a unix socket', () => {
  it("polls hero_router's socket with If-None-Match and reads 304 as unchanged", async () => {
    const socketPath = join(tree.root, 'router.sock');
    const seen: (string | undefined)[] = [];
    const unixServer = createServer((req, res) => {
      seen.push(req.url, req.headers['if-none-match'] as string | undefined);
      if (req.headers['if-none-match'] === '"x"') return void res.writeHead(304).end();
      res.writeHead(200, { etag: '"x"' }).end(JSON.stringify({ services: { s: { command: 'c' } } }));
    });
    await new Promise<void>((r) => unixServer.listen(socketPath, () => r()));
    try {
      const source = httpDiscoverySource(parseDiscoveryTarget(`unix:${socketPath}`)!);
      const signal = new AbortController().signal;
      expect(await source.poll(undefined, signal)).toEqual({
        kind: 'list',
        services: { s: { command: 'c' } },
        etag: '"x"',
      });
      expect(await source.poll('"x"', signal)).toEqual({ kind: 'unchanged' });
      expect(seen).toEqual(['/mcp/services', undefined, '/mcp/services', '"x"']);
    } finally {
      await new Promise((r) => unixServer.close(r));
    }
  });
});

describe('discovery settings', () => {
  it('parse off, URLs and unix sockets; reject anything else', () => {
    expect(parseDiscoveryTarget('off')).toBeNull();
    expect(parseDiscoveryTarget('http://127.0.0.1:8080/list')).toEqual({ url: 'http://127.0.0.1:8080/list' });
    expect(parseDiscoveryTarget('unix:/run/router.sock')).toEqual({
      socketPath: '/run/router.sock',
      path: '/mcp/services',
    });
    expect(parseDiscoveryTarget('unix:/run/router.sock:/v2/list')).toEqual({
      socketPath: '/run/router.sock',
      path: '/v2/list',
    });
    expect(() => parseDiscoveryTarget('ftp://x')).toThrow(/must be "off", an http\(s\) URL or unix:/);
    expect(httpDiscoverySource({ url: 'https://user:pw@router.example/list?token=abc' }).describe).toBe(
      'https://router.example/list',
    );
  });
});
