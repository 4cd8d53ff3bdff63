/** The dashboard as the daemon serves it: admin.sock (mode 0600) and /admin/ on the loopback TCP listener, behind the API's Host guard. */
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminSocketPath } from '../../../src/api/admin/app.tsx';
import { type Daemon, startDaemon } from '../../../src/main.ts';
import { eventually } from '../../helpers/cli.ts';
import { tcpGet } from '../../helpers/http.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../../helpers/tree.ts';
import { MARKER_KEY, requestSocket } from './harness.ts';

let tree: TestTree;
let daemon: Daemon;
let port: number;

beforeAll(async () => {
  tree = makeTree({ KIMI_API_KEY: MARKER_KEY });
  addSkill(tree, 'tdd');
  writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] }]);
  daemon = await startDaemon({ ...tree.config, tcp: { port: 0, host: '127.0.0.1' } }, tree.env);
  port = daemon.api.listeners.find((l) => l.port !== undefined)!.port!;
  await eventually(() => daemon.api.control.readiness.get().ready, 10_000, 'daemon ready');
});
afterAll(async () => {
  await daemon?.stop();
  tree.cleanup();
});

describe('the daemon serves the dashboard', () => {
  it('on admin.sock, mode 0600, with the roles page at its root', async () => {
    const sock = adminSocketPath(tree.paths.socketDir);
    expect(statSync(sock).mode & 0o777).toBe(0o600);
    const page = await requestSocket(sock, '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-role="backend"');
    expect(page.body).not.toContain(MARKER_KEY);
  });

  it('under /admin/ on TCP, next to the API, with the DNS-rebinding guard', async () => {
    const page = await tcpGet(port, '/admin/skills', { host: `127.0.0.1:${port}` });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-skill="tdd"');
    expect((await tcpGet(port, '/healthz', { host: `localhost:${port}` })).status).toBe(200);
    const rebound = await tcpGet(port, '/admin/', { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.text).not.toContain('data-role');
  });

  it('stops promptly with a dashboard event stream open', async () => {
    const events = await fetch(`http://127.0.0.1:${port}/admin/events`);
    const reader = events.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: hello');
    const t0 = Date.now();
    await daemon.stop();
    expect(Date.now() - t0).toBeLessThan(10_000);
    const rest = await reader.read().catch(() => ({ done: true }));
    expect(rest.done).toBe(true);
  });
});
