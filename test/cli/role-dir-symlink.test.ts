/** Issue 12 item 11: a role directory that is itself a symlink is refused as a conflict by sync, the daemon and a deleted role alike. */
import { existsSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { Manager } from '../../src/controllers/manager.ts';
import { silentLogger } from '../../src/log.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
let elsewhere: string;
const MODEL = 'kimi-code/kimi-for-coding';

beforeEach(async () => {
  tree = makeTree({ KIMI_API_KEY: 'k' });
  addSkill(tree, 'alpha');
  writeStore(tree, [{ name: 'dev', model: MODEL, skills: ['alpha'] }]);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  // The role directory moved elsewhere and linked back, then hand-edited there.
  elsewhere = join(tree.root, 'elsewhere-dev');
  renameSync(join(tree.paths.rolesDir, 'dev'), elsewhere);
  symlinkSync(elsewhere, join(tree.paths.rolesDir, 'dev'));
  put(join(elsewhere, 'config.toml'), 'my own config\n');
});
afterEach(() => tree.cleanup());

it('sync refuses it (exit 1, says why) and writes nothing through it', async () => {
  const r = await cli(tree.env, 'sync');
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/dev: FAILED: .*is a symlink: refused as a conflict/);
  expect(readFileSync(join(elsewhere, 'config.toml'), 'utf8')).toBe('my own config\n');
});

it('a deleted role prunes nothing through it', async () => {
  expect((await cli(tree.env, 'role', 'rm', 'dev')).code).toBe(0);
  expect((await cli(tree.env, 'sync', 'dev')).code).not.toBe(0); // a symlink is no managed directory: refused
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  expect(existsSync(join(elsewhere, 'skills', 'alpha', 'SKILL.md'))).toBe(true);
  expect(readFileSync(join(elsewhere, 'config.toml'), 'utf8')).toBe('my own config\n');
});

it('the daemon refuses it the same way and reports it in the status', async () => {
  const manager = new Manager({
    paths: tree.paths,
    tuning: tree.config.tuning,
    env: tree.env,
    clock: systemClock,
    log: silentLogger(),
    watch: false,
  });
  await manager.start();
  await manager.settled();
  await manager.stop();
  expect(manager.status.get('dev')?.lastError).toMatch(/is a symlink: refused as a conflict/);
  expect(readFileSync(join(elsewhere, 'config.toml'), 'utf8')).toBe('my own config\n');
});
