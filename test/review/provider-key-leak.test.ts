/** Review attack: a key slipped into `provider add` (in the base URL, or given where the URL goes) is neither stored nor printed. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { makeTree, type TestTree } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => {
  tree = makeTree();
});
afterEach(() => tree.cleanup());

it.each([
  ['https://user:sk-live-LEAKED42@api.example.test/v1', /credentials/],
  ['https://sk-live-LEAKED42@api.example.test/v1', /credentials/],
  ['sk-live-LEAKED42', /--base-url must be an http\(s\) URL/],
])('refuses --base-url %s without storing or printing the key', async (url, message) => {
  const r = await cli(
    tree.env,
    'provider',
    'add',
    'mine',
    '--type',
    'openai_legacy',
    '--base-url',
    url,
    '--key-env',
    'MINE_KEY',
  );
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout + r.stderr).not.toContain('LEAKED42');
  const store = join(tree.paths.home, 'store.json');
  if (existsSync(store)) expect(readFileSync(store, 'utf8')).not.toContain('LEAKED42');
});
