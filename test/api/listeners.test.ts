/** The API over a real unix socket and a real TCP port, a second daemon refused, the guards, and the CLI through the socket. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, RpcClientError } from '../../src/api/client.ts';
import { rpcSocketPath, serveSocket, serveTcp } from '../../src/api/listen.ts';
import { type Daemon, startDaemon } from '../../src/main.ts';
import { cli, eventually } from '../helpers/cli.ts';
import { tcpGet } from '../helpers/http.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';
import { assertNoSecret, MARKERS } from './helpers.ts';

let tree: TestTree;
let daemon: Daemon;
let port: number;

beforeAll(async () => {
  tree = makeTree(MARKERS);
  addSkill(tree, 'tdd');
  addSkill(tree, 'lint');
  writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] }]);
  daemon = await startDaemon({ ...tree.config, tcp: { port: 0, host: '127.0.0.1' } }, tree.env);
  port = daemon.api.listeners[1]!.port!;
  await eventually(() => daemon.api.control.readiness.get().ready, 10_000, 'daemon ready');
});
afterAll(async () => {
  await daemon?.stop();
  tree.cleanup();
});

describe('unix socket', () => {
  it('is mode 0600 in a 0700 directory and serves the typed client', async () => {
    const sock = rpcSocketPath(tree.paths.socketDir);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    expect(statSync(join(tree.paths.socketDir, 'hero_team')).mode & 0o777).toBe(0o700);
    const client = connect({ socket: sock });
    expect((await client.ready()).ready).toBe(true);
    const roles = await client.call('role_list');
    expect(roles.roles.map((r) => r.name)).toEqual(['backend']);
    await expect(client.call('role_get', { name: 'ghost' })).rejects.toMatchObject({ code: -32002 });
    await expect(client.call('role_get', { name: 'ghost' })).rejects.toBeInstanceOf(RpcClientError);
    assertNoSecret(JSON.stringify(await client.status()));
  });

  it('a second daemon on the same socket is refused and the first keeps serving', async () => {
    await expect(startDaemon(tree.config, tree.env)).rejects.toThrow(/another hero_team is running/);
    expect((await connect({ socket: rpcSocketPath(tree.paths.socketDir) }).ready()).ready).toBe(true);
  });

  it('replaces the stale socket of a killed process, refuses a path over 107 bytes and a non-socket file', async () => {
    const dir = join(tree.root, 's');
    const path = join(dir, 'x.sock');
    mkdirSync(dir);
    // A process that dies by SIGKILL right after listening leaves its socket file behind.
    spawnSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    expect(existsSync(path)).toBe(true);
    const app = new Hono().get('/healthz', (c) => c.text('ok'));
    const l = await serveSocket(path, app.fetch);
    await l.close();
    const long = join(tree.root, 'x'.repeat(120), 'rpc.sock');
    await expect(serveSocket(long, app.fetch)).rejects.toThrow(/over the 107-byte limit.*HERO_SOCKET_DIR/);
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    await expect(serveSocket(file, app.fetch)).rejects.toThrow(/is not a socket/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

describe('TCP', () => {
  it('binds 127.0.0.1 by default and serves the same API', async () => {
    expect(daemon.api.listeners[1]!.address).toBe(`127.0.0.1:${port}`);
    const client = connect({ url: `http://127.0.0.1:${port}` });
    expect(await client.call('status', { role: 'backend' })).toMatchObject({ name: 'backend' });
    expect((await tcpGet(port, '/healthz', { host: `localhost:${port}` })).status).toBe(200);
    expect((await tcpGet(port, '/healthz', { host: `[::1]:${port}` })).status).toBe(200);
  });

  it('refuses a forged Host header (DNS rebinding)', async () => {
    const r = await tcpGet(port, '/status', { host: `evil.example:${port}` });
    expect(r.status).toBe(403);
    expect(r.text).not.toContain('backend');
  });

  it('with a token, every route but /healthz needs the bearer header', async () => {
    const token = 'a-long-enough-test-token-123';
    const app = new Hono().get('/healthz', (c) => c.text('ok')).get('/status', (c) => c.text('secret-ish'));
    const l = await serveTcp({ port: 0, host: '127.0.0.1', token }, app.fetch);
    try {
      const base = `http://127.0.0.1:${l.port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/status`)).status).toBe(401);
      expect((await fetch(`${base}/status`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${base}/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await l.close();
    }
  });
});

describe('CLI through the daemon', () => {
  it('status prints the table, --json the document, a role, and exit 1 when a role is not Ready', async () => {
    const table = await cli(tree.env, 'status');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ROLE\s+PHASE\s+GEN\s+LAST RECONCILE\s+STALE SKILLS/);
    expect(table.stdout).toMatch(/backend\s+Ready\s+1\/1/);
    const json = await cli(tree.env, 'status', '--json');
    expect(JSON.parse(json.stdout).global.ready).toBe(true);
    const one = await cli(tree.env, 'status', 'backend', '--json');
    expect(JSON.parse(one.stdout).name).toBe('backend');
    expect((await cli(tree.env, 'status', 'ghost')).code).toBe(2);
    for (const r of [table, json, one]) assertNoSecret(r.stdout + r.stderr);
  });

  it('role add, set and rm go through the daemon, which converges them', async () => {
    const add = await cli(tree.env, 'role', 'add', 'front', '--skills', 'lint');
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/the running daemon converges it now/);
    await eventually(
      () => existsSync(join(tree.paths.rolesDir, 'front', 'skills', 'lint', 'SKILL.md')),
      10_000,
      'front converged',
    );
    expect((await cli(tree.env, 'role', 'add', 'front')).stderr).toMatch(/already exists/);
    const set = await cli(tree.env, 'role', 'set', 'front', '--skills', 'lint,tdd');
    expect(set.stdout).toMatch(/generation 2/);
    await eventually(
      () => existsSync(join(tree.paths.rolesDir, 'front', 'skills', 'tdd', 'SKILL.md')),
      10_000,
      'tdd added',
    );
    const bad = await cli(tree.env, 'role', 'set', 'front', '--model', 'no/such');
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/unknown model "no\/such"/)]);
    expect((await cli(tree.env, 'role', 'rm', 'front')).code).toBe(0);
    await eventually(() => !existsSync(join(tree.paths.rolesDir, 'front', 'config.toml')), 10_000, 'front pruned');
    expect((await cli(tree.env, 'role', 'rm', 'front')).code).toBe(2);
  });

  it('status exits 3 with a clear message when no daemon runs', async () => {
    const other = makeTree();
    try {
      const r = await cli(other.env, 'status');
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/no daemon answers on .*rpc\.sock; start it with "hero-team serve"/);
    } finally {
      other.cleanup();
    }
  });
});
