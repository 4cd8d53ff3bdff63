/** Safety regressions found in review: names as paths, copied role dirs, a missing store, secrets in parse errors, symlinks. */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
const roleDir = (r: string) => join(tree.paths.rolesDir, r);

beforeEach(async () => {
  tree = makeTree({ KIMI_API_KEY: 'k' });
  addSkill(tree, 'alpha');
  addSkill(tree, 'beta');
  writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'beta'] }]);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
});
afterEach(() => tree.cleanup());

describe('safety', () => {
  it.each(['./dev', '../roles/dev', '.', 'dev/'])(
    'sync refuses the role name %j (it would be a path) and changes nothing',
    async (name) => {
      const r = await cli(tree.env, 'sync', name);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('invalid role name');
      expect(existsSync(join(roleDir('dev'), 'config.toml'))).toBe(true);
    },
  );

  it('never prunes a copied or renamed role dir: its manifest names another role', async () => {
    cpSync(roleDir('dev'), roleDir('dev-old'), { recursive: true });
    cpSync(roleDir('dev'), roleDir('dev.bak'), { recursive: true });
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(0);
    expect(existsSync(join(roleDir('dev-old'), 'skills', 'alpha', 'SKILL.md'))).toBe(true);
    expect(existsSync(join(roleDir('dev.bak'), 'config.toml'))).toBe(true);
  });

  it('a missing store.json with managed role dirs prunes nothing and says why', async () => {
    const store = join(tree.paths.home, 'store.json');
    renameSync(store, store + '.moved');
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/store\.json: missing while 1 managed role dir\(s\) exist/);
    expect(existsSync(join(roleDir('dev'), 'config.toml'))).toBe(true);
    // An explicit empty store does prune.
    writeStore(tree, []);
    expect((await cli(tree.env, 'sync')).code).toBe(0);
    expect(existsSync(roleDir('dev'))).toBe(false);
  });

  it('an invalid services.json is reported by position without echoing its text', async () => {
    put(
      join(tree.paths.home, 'services.json'),
      '{"services": {"gh": {"command": "x", "env": {"GH_TOKEN": ghp_SUPERSECRET123}}}}',
    );
    const r = await cli(tree.env, 'sync');
    expect(r.stderr).toMatch(/services\.json: not valid JSON at line 1, column \d+/);
    expect(r.stderr).not.toContain('SUPERSECRET');
  });

  it('never removes a directory outside the role through a symlinked skills/', async () => {
    const outside = join(tree.root, 'outside');
    mkdirSync(join(outside, 'beta'), { recursive: true });
    rmSync(join(roleDir('dev'), 'skills'), { recursive: true });
    symlinkSync(outside, join(roleDir('dev'), 'skills'));
    writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    await cli(tree.env, 'sync');
    expect(existsSync(join(outside, 'beta'))).toBe(true);
    expect(readFileSync(join(roleDir('dev'), 'config.toml'), 'utf8')).toContain('kimi-code/kimi-for-coding');
  });
});
