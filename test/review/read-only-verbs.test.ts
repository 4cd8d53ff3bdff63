/** Review attack: diff, doctor, backups and the dry runs are read-only on a drifted, half-managed tree. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';
import { treeFingerprint } from '../helpers/tree-hash.ts';

let tree: TestTree;
beforeEach(() => {
  tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-readonly' });
  addSkill(tree, 'alpha');
  addSkill(tree, 'beta');
});
afterEach(() => tree.cleanup());

it('nothing in the whole tree changes under diff, doctor, backups, render and the dry runs', async () => {
  put(join(tree.paths.rolesDir, 'backend', 'config.toml'), 'default_model = "mine"\n', 0o644);
  writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  // Drift of every kind, a role never synced, a registry change, and a new role dir nobody manages.
  writeFileSync(join(tree.paths.rolesDir, 'backend', 'config.toml'), 'hand edit\n');
  put(join(tree.paths.rolesDir, 'backend', 'skills', 'stray', 'SKILL.md'), 'stray\n');
  addSkill(tree, 'alpha', { 'extra.md': 'changed registry\n' });
  writeStore(tree, [
    { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'beta'] },
    { name: 'frontend', model: 'kimi-code/kimi-for-coding', skills: ['beta'] },
  ]);
  const before = treeFingerprint(tree.root);
  for (const args of [
    ['diff'],
    ['diff', '--json'],
    ['doctor'],
    ['doctor', '--json'],
    ['backups'],
    ['backups', 'backend', '--json'],
    ['render', 'backend'],
    ['sync', '--dry-run'],
    ['rollback', 'backend', '--dry-run'],
    ['restore', 'backend', 'config.toml', '--dry-run'],
    ['role', 'show', 'backend'],
    ['role', 'list'],
    ['skill', 'list'],
  ]) {
    await cli(tree.env, ...args);
    expect(treeFingerprint(tree.root), args.join(' ')).toEqual(before);
  }
});
