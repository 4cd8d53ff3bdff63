/**
 * A running daemon for the dashboard's tests: a real manager (watchers on) over a temp tree, the API's control
 * plane and dispatcher, and the dashboard served on a real admin.sock and under /admin/ on a loopback TCP port.
 */

import { mkdirSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { type AdminApp, createAdminApp, mountAdmin } from '../../../src/api/admin/app.tsx';
import { adminDeps } from '../../../src/api/admin/wire.ts';
import { createApiApp } from '../../../src/api/app.ts';
import { Control } from '../../../src/api/control.ts';
import { systemClock } from '../../../src/clock.ts';
import { Manager } from '../../../src/controllers/manager.ts';
import { silentLogger } from '../../../src/log.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../../helpers/tree.ts';

/** A key value that must never reach a page or an event. */
export const MARKER_KEY = 'sk-MARKER-7f3a9c1e5b';

/** The running daemon and its listeners. */
export interface AdminHarness {
  tree: TestTree;
  manager: Manager;
  control: Control;
  admin: AdminApp;
  /** http://127.0.0.1:PORT/admin/ */
  tcpBase: string;
  socketPath: string;
  stop(): Promise<void>;
}

/** Options of startAdmin. */
export interface HarnessOptions {
  debounceMs?: number;
  skills?: string[];
  roles?: Record<string, unknown>[];
}

function listen(server: Server, target: string | number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (typeof target === 'number') server.listen(target, '127.0.0.1', () => resolve());
    else server.listen(target, () => resolve());
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Start a daemon over a fresh tree with the given skills and roles. */
export async function startAdmin(opts: HarnessOptions = {}): Promise<AdminHarness> {
  const tree = makeTree();
  for (const s of opts.skills ?? []) addSkill(tree, s);
  writeStore(tree, opts.roles ?? []);
  const env = { KIMI_API_KEY: MARKER_KEY };
  const log = silentLogger();
  const manager = new Manager({
    paths: tree.paths,
    tuning: { ...tree.config.tuning, debounceMs: opts.debounceMs ?? 50 },
    env,
    clock: systemClock,
    log,
    watch: true,
  });
  await manager.start();
  await manager.settled();
  const control = new Control({ manager, paths: tree.paths, env, clock: systemClock, version: 'test' });
  control.readiness.ready();
  const api = createApiApp({ control, log });
  const deps = adminDeps(control, api.dispatcher);
  // admin.sock: the dashboard at the root.
  const admin = createAdminApp(deps, log);
  const socketPath = join(tree.paths.socketDir, 'hero_team', 'admin.sock');
  mkdirSync(join(tree.paths.socketDir, 'hero_team'), { recursive: true, mode: 0o700 });
  const sock = createAdaptorServer({ fetch: admin.app.fetch }) as Server;
  await listen(sock, socketPath);
  // TCP: the API app with the dashboard under /admin/.
  const tcpAdmin = createAdminApp(deps, log, '/admin');
  mountAdmin(api.app, tcpAdmin.app);
  const tcp = createAdaptorServer({ fetch: api.app.fetch }) as Server;
  await listen(tcp, 0);
  const port = (tcp.address() as { port: number }).port;
  return {
    tree,
    manager,
    control,
    admin,
    tcpBase: `http://127.0.0.1:${port}/admin/`,
    socketPath,
    stop: async () => {
      admin.close();
      tcpAdmin.close();
      await Promise.all([close(sock), close(tcp)]);
      await manager.stop();
      api.metrics.close();
      tree.cleanup();
    },
  };
}

/** An HTTP answer read whole. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request over a unix socket (global fetch cannot dial one). */
export function requestSocket(
  socketPath: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { socketPath, path, method: init.method ?? 'GET', headers: { host: 'localhost', ...init.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Add a skill to the registry of a running harness. */
export function addRegistrySkill(h: AdminHarness, name: string): void {
  addSkill(h.tree, name);
}
