/** `hero-team sync` on a real tree: exactly the whitelisted files, and a second run writes nothing. */
import { chmodSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliProcess } from '../helpers/cli.ts';
import { checkKimiConfig, checkMcpJson } from '../helpers/kimi-rules.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir).map((f) => {
      const st = lstatSync(join(dir, f), { bigint: true });
      return [f, `${st.ino}:${st.mtimeNs}`];
    }),
  );
}

describe('hero-team sync', () => {
  let tree: TestTree;
  beforeEach(() => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-sync-777' });
    addSkill(tree, 'alpha', { 'scripts/run.sh': '#!/bin/sh\necho a\n', 'assets/logo.txt': 'logo' });
    chmodSync(join(tree.paths.skillsDir, 'alpha/scripts/run.sh'), 0o755);
    addSkill(tree, 'beta');
    put(join(tree.paths.skillsDir, 'gamma.md'), '---\nname: gamma\ndescription: flat skill\n---\nbody\n');
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'gamma'] }]);
  });
  afterEach(() => tree.cleanup());

  it('writes exactly the whitelisted skills, config.toml, mcp.json and the manifest', async () => {
    const r = await cliProcess(tree.env, 'sync');
    expect(r.code).toBe(0);
    const dir = join(tree.paths.rolesDir, 'backend');
    expect(listFiles(dir)).toEqual([
      '.hero-team-manifest.json',
      'config.toml',
      'mcp.json',
      'skills/alpha/SKILL.md',
      'skills/alpha/assets/logo.txt',
      'skills/alpha/scripts/run.sh',
      'skills/gamma/SKILL.md',
    ]);
    expect(readFileSync(join(dir, 'skills/gamma/SKILL.md'), 'utf8')).toBe(
      readFileSync(join(tree.paths.skillsDir, 'gamma.md'), 'utf8'),
    );
    expect(statSync(join(dir, 'skills/alpha/scripts/run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'skills/alpha/SKILL.md')).mode & 0o777).toBe(0o644);
    expect(statSync(join(dir, 'config.toml')).mode & 0o777).toBe(0o600);
    const toml = readFileSync(join(dir, 'config.toml'), 'utf8');
    expect(checkKimiConfig(toml)).toEqual([]);
    expect(checkMcpJson(readFileSync(join(dir, 'mcp.json'), 'utf8'))).toEqual([]);
    expect((parse(toml) as { extra_skill_dirs: string[] }).extra_skill_dirs).toEqual([join(dir, 'skills')]);
  });

  it('a second sync writes nothing: inode and mtime of every file unchanged', async () => {
    expect((await cli(tree.env, 'sync')).code).toBe(0);
    const dir = join(tree.paths.rolesDir, 'backend');
    const before = fingerprint(dir);
    await new Promise((r) => setTimeout(r, 20)); // a rewrite would get a later mtime
    const second = await cli(tree.env, 'sync');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/backend: converged; written 0, deleted 0, backups 0; unchanged 6/);
    expect(fingerprint(dir)).toEqual(before);
  });

  it('--dry-run lists the plan and writes nothing', async () => {
    const r = await cli(tree.env, 'sync', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('create skills/alpha/SKILL.md');
    expect(readdirSync(tree.paths.rolesDir)).toEqual([]);
  });

  it('exits 2 for a role that is neither declared nor managed', async () => {
    const r = await cli(tree.env, 'sync', 'ghost');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such role and no managed directory: "ghost"');
  });

  it('exits 1 and names the role when its spec cannot render (stalled)', async () => {
    writeStore(tree, [{ name: 'broken', model: 'no-such/model' }]);
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broken: STALLED: role "broken": .*no-such\/model/);
  });

  it('exits 2 and names file and position when store.json is corrupt, leaving it as it was', async () => {
    const file = join(tree.paths.home, 'store.json');
    put(file, '{"version": 1,\n "roles": [}\n');
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:2:`);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1,\n "roles": [}\n');
  });
});
