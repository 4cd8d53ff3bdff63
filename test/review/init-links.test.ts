/** Review attack: init never replaces what the user has at secrets.env or in the registry, a symlink included. */
import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { makeTree, type TestTree } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => {
  tree = makeTree();
});
afterEach(() => tree.cleanup());

it('a secrets.env symlink whose target is not there yet (an unmounted vault) is kept, not replaced by a template', async () => {
  mkdirSync(tree.paths.home, { recursive: true });
  const secrets = join(tree.paths.home, 'secrets.env');
  const target = join(tree.root, 'vault', 'hero.env');
  symlinkSync(target, secrets);
  const r = await cli(tree.env, 'init');
  expect(r.code).toBe(0);
  expect(lstatSync(secrets).isSymbolicLink()).toBe(true);
  expect(readlinkSync(secrets)).toBe(target);
  expect(r.stdout).toMatch(/secrets\.env.*kept/);
});

it('an example skill name taken by a dangling symlink in the registry is kept', async () => {
  mkdirSync(tree.paths.skillsDir, { recursive: true });
  const link = join(tree.paths.skillsDir, 'testing');
  symlinkSync(join(tree.root, 'elsewhere', 'testing'), link);
  const r = await cli(tree.env, 'init', '--example-skills');
  expect(r.code, r.stderr).toBe(0);
  expect(lstatSync(link).isSymbolicLink()).toBe(true);
});
