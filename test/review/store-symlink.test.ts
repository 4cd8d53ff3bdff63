/** Review attack: a store.json kept in a dotfiles repository and symlinked into HERO_TEAM_HOME stays a link. */
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, type TestTree } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => {
  tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-store-link' });
  addSkill(tree, 'alpha');
});
afterEach(() => tree.cleanup());

it('a CLI write goes to the target of a symlinked store.json, and the link stays', async () => {
  const dotfiles = join(tree.root, 'dotfiles');
  mkdirSync(dotfiles, { recursive: true });
  writeFileSync(join(dotfiles, 'store.json'), `${JSON.stringify({ version: 1, roles: [] }, null, 2)}\n`, {
    mode: 0o600,
  });
  mkdirSync(tree.paths.home, { recursive: true });
  const link = join(tree.paths.home, 'store.json');
  symlinkSync(join(dotfiles, 'store.json'), link);
  const r = await cli(tree.env, 'role', 'add', 'backend', '--skills', 'alpha');
  expect(r.code, r.stderr).toBe(0);
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
  expect(
    JSON.parse(readFileSync(join(dotfiles, 'store.json'), 'utf8')).roles.map((x: { name: string }) => x.name),
  ).toEqual(['backend']);
});
