/**
 * Review attack: take over, roll back, the user edits the file, the role comes back (a second takeover), then
 * hand edits are reverted under a tight retention rule. The user's file from before the second takeover must
 * survive retention, and rollback must put back that file, not the stale one from before the first takeover.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readBackupIndex } from '../../src/observed/backup-index.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
const dir = () => join(tree.paths.rolesDir, 'backend');
const setRole = () => writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);

beforeEach(() => {
  tree = makeTree({
    KIMI_API_KEY: 'sk-MARKER-takeover-2',
    HERO_TEAM_BACKUP_KEEP: '1',
    HERO_TEAM_BACKUP_MAX_AGE_DAYS: '0',
  });
  addSkill(tree, 'alpha');
});
afterEach(() => tree.cleanup());

it('the original of the latest takeover is kept by retention and is what rollback restores', async () => {
  put(join(dir(), 'config.toml'), 'default_model = "first"\n', 0o644);
  setRole();
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  expect((await cli(tree.env, 'rollback', 'backend')).code).toBe(0);
  expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe('default_model = "first"\n');
  // The user keeps working on the file, then lets hero_team take the role over again.
  writeFileSync(join(dir(), 'config.toml'), 'default_model = "second, the latest"\n');
  setRole();
  expect((await cli(tree.env, 'sync')).code).toBe(0);
  for (const edit of ['edit 1\n', 'edit 2\n', 'edit 3\n']) {
    writeFileSync(join(dir(), 'config.toml'), edit);
    expect((await cli(tree.env, 'sync')).code).toBe(0);
  }
  const kept = readBackupIndex(join(tree.paths.home, 'backups'), 'backend').entries.map((e) =>
    readFileSync(e.file, 'utf8'),
  );
  expect(kept).toContain('default_model = "second, the latest"\n');
  expect((await cli(tree.env, 'rollback', 'backend')).code).toBe(0);
  expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe('default_model = "second, the latest"\n');
});
