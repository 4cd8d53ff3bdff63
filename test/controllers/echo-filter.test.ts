/** The echo filter: which role-dir events are explained by the manifest we wrote (real files, a real reconcile). */
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOwnWrite } from '../../src/controllers/echo-filter.ts';
import { reconcileRole } from '../../src/controllers/reconcile.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { MANIFEST_FILE, type ManifestCache, manifestCache } from '../../src/observed/manifest.ts';
import { reconcileDepsFor } from '../helpers/reconcile-deps.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
let dir: string;
let manifests: ManifestCache;

beforeEach(async () => {
  tree = makeTree();
  addSkill(tree, 'tdd', { 'scripts/run.sh': 'echo\n' });
  writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] }]);
  const sources = new Sources(tree.paths, { scanShareMs: 0 });
  await sources.loadAll();
  manifests = manifestCache();
  const deps = reconcileDepsFor(tree, sources, { manifests });
  await reconcileRole('backend', deps);
  dir = join(tree.paths.rolesDir, 'backend');
});
afterEach(() => tree.cleanup());

describe('isOwnWrite', () => {
  it('explains files exactly as written, and what the last apply deleted (files and the directories it emptied)', async () => {
    expect(await isOwnWrite(dir, 'config.toml', manifests)).toBe(true);
    expect(await isOwnWrite(dir, 'skills/tdd/scripts/run.sh', manifests)).toBe(true);
    const deleted = ['skills/old/SKILL.md', 'skills/old/scripts/x.sh'];
    expect(await isOwnWrite(dir, 'skills/old/scripts/x.sh', manifests, deleted)).toBe(true);
    expect(await isOwnWrite(dir, 'skills/old/scripts', manifests, deleted)).toBe(true);
    expect(await isOwnWrite(dir, 'skills/old', manifests, deleted)).toBe(true);
  });

  it('does not explain a path gone that we did not delete: a directory the user removed from where a desired file goes', async () => {
    // e.g. a directory in the way of skills/tdd/SKILL.md (a conflict: in no manifest) removed by hand.
    expect(await isOwnWrite(dir, 'notes.txt', manifests)).toBe(false);
    expect(await isOwnWrite(dir, 'skills/blocked', manifests, ['skills/other/SKILL.md'])).toBe(false);
  });

  it('does not explain a hand edit of the same size, nor our own bytes written back by someone else', async () => {
    const file = join(dir, 'config.toml');
    const ours = readFileSync(file, 'utf8');
    writeFileSync(file, ours.replace(/.$/s, '#'));
    expect(await isOwnWrite(dir, 'config.toml', manifests)).toBe(false);
    writeFileSync(file, ours); // the same bytes, a new mtime: not the write the manifest records
    expect(await isOwnWrite(dir, 'config.toml', manifests)).toBe(false);
  });

  it('does not explain a deleted file of ours, a mode change, a directory, a new file, or the role dir itself', async () => {
    chmodSync(join(dir, 'mcp.json'), 0o644);
    expect(await isOwnWrite(dir, 'mcp.json', manifests)).toBe(false);
    rmSync(join(dir, 'skills/tdd/SKILL.md'));
    expect(await isOwnWrite(dir, 'skills/tdd/SKILL.md', manifests)).toBe(false);
    expect(await isOwnWrite(dir, 'skills/tdd', manifests)).toBe(false);
    writeFileSync(join(dir, 'skills', 'README.md'), 'mine\n');
    expect(await isOwnWrite(dir, 'skills/README.md', manifests)).toBe(false);
    rmSync(join(dir, 'skills', 'README.md'));
    expect(await isOwnWrite(dir, 'skills/README.md', manifests)).toBe(false); // a stray gone: its status changes
    expect(await isOwnWrite(dir, 'skills/tdd', manifests, ['skills/tdd/SKILL.md'])).toBe(false); // still holds our files
    mkdirSync(join(dir, 'skills', 'mine'));
    expect(await isOwnWrite(dir, 'skills/mine', manifests)).toBe(false);
    expect(await isOwnWrite(dir, '', manifests)).toBe(false);
  });

  it('does not explain anything while a write is pending, or without a readable manifest', async () => {
    const path = join(dir, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(path, 'utf8'));
    const { mtime, atime } = statSync(path);
    m.entries.find((e: { path: string }) => e.path === 'config.toml').pendingMd5 = 'f'.repeat(32);
    writeFileSync(path, JSON.stringify(m));
    utimesSync(path, atime, mtime);
    expect(await isOwnWrite(dir, 'config.toml', manifests)).toBe(false);
    writeFileSync(path, '{ not json');
    expect(await isOwnWrite(dir, 'mcp.json', manifests)).toBe(false);
  });
});
