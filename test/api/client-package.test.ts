/** `hero_team/client` as other services import it: the package export resolves to the built client, which talks to a daemon. */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Result } from 'hero_team/client';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listener, serveSocket } from '../../src/api/listen.ts';
import { makeTree, type TestTree } from '../helpers/tree.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let tree: TestTree;
let listener: Listener;

beforeAll(async () => {
  if (!existsSync(`${ROOT}/dist/client.js`))
    expect(spawnSync(process.execPath, ['scripts/build.js'], { cwd: ROOT }).status).toBe(0);
  tree = makeTree();
  const reply: Result<'role_delete'> = { name: 'x', deleted: true }; // the types come from the method table
  const app = new Hono().post('/rpc', async (c) =>
    c.json({ jsonrpc: '2.0', id: (await c.req.json()).id, result: reply }),
  );
  listener = await serveSocket(`${tree.root}/t.sock`, app.fetch);
});
afterAll(async () => {
  await listener.close();
  tree.cleanup();
});

describe('hero_team/client', () => {
  it('resolves through package.json "exports" and calls a method over a socket', async () => {
    const script = `import { connect } from 'hero_team/client'; console.log(JSON.stringify(await connect({ socket: ${JSON.stringify(listener.address)} }).call('role_delete', { name: 'x' })));`;
    // Asynchronously: the socket is served by this process.
    const r = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ name: 'x', deleted: true });
  });
});
