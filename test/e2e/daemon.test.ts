/** The daemon as a real child process: edits anywhere converge, hand edits are reverted and backed up, SIGTERM exits 0. */

import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, cliProcess, eventually, startServe } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

const MARKER = 'sk-MARKER-e2e-4242';

describe('hero-team serve (child process)', () => {
  let tree: TestTree;
  let daemon: { child: ChildProcess; log: () => string };
  let roleDir: string;
  const read = (rel: string) => readFileSync(join(roleDir, rel), 'utf8');
  const registry = (rel: string) => join(tree.paths.skillsDir, rel);

  beforeAll(async () => {
    tree = makeTree({ KIMI_API_KEY: MARKER, HERO_TEAM_DEBOUNCE_MS: '20', LOG_LEVEL: 'debug' });
    addSkill(tree, 'alpha', { 'scripts/run.sh': '#!/bin/sh\necho alpha\n' });
    addSkill(tree, 'beta', { 'references/notes.md': '# notes\n' });
    addSkill(tree, 'gamma');
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'beta'] }]);
    roleDir = join(tree.paths.rolesDir, 'backend');
    daemon = startServe(tree.env);
    // The manifest is final once no entry carries a write intent (pendingMd5) any more.
    const converged = () =>
      existsSync(join(roleDir, '.hero-team-manifest.json')) && !read('.hero-team-manifest.json').includes('pendingMd5');
    await eventually(converged, 15_000, 'first convergence');
  });

  afterAll(async () => {
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
    tree.cleanup();
  });

  it('converges the declared role on start', () => {
    expect(read('skills/alpha/scripts/run.sh')).toBe('#!/bin/sh\necho alpha\n');
    expect(read('skills/beta/references/notes.md')).toBe('# notes\n');
    expect(existsSync(join(roleDir, 'skills/gamma'))).toBe(false);
    expect(read('config.toml')).toContain(MARKER);
    expect(statSync(join(roleDir, 'config.toml')).mode & 0o777).toBe(0o600);
  });

  it('propagates a whitelisted skill edited in the registry', async () => {
    appendFileSync(registry('alpha/SKILL.md'), 'An edit in the registry.\n');
    await eventually(
      () => read('skills/alpha/SKILL.md') === readFileSync(registry('alpha/SKILL.md'), 'utf8'),
      10_000,
      'skill edit',
    );
  });

  it('adds and removes skill copies when role set changes the whitelist', async () => {
    const r = await cliProcess(tree.env, 'role', 'set', 'backend', '--skills', 'alpha,gamma');
    expect(r.code).toBe(0);
    await eventually(
      () => existsSync(join(roleDir, 'skills/gamma/SKILL.md')) && !existsSync(join(roleDir, 'skills/beta')),
      10_000,
      'whitelist change',
    );
  });

  it('reverts a hand edit of config.toml and keeps its bytes in a backup', async () => {
    const original = read('config.toml');
    const edited = original + '\ntheme = "light"  # hand edit\n';
    writeFileSync(join(roleDir, 'config.toml'), edited);
    await eventually(() => read('config.toml') === original, 10_000, 'revert');
    const backups = join(tree.paths.home, 'backups', 'backend');
    const found = readdirSync(backups).some(
      (d) =>
        existsSync(join(backups, d, 'config.toml')) && readFileSync(join(backups, d, 'config.toml'), 'utf8') === edited,
    );
    expect(found).toBe(true);
  });

  it('reverts a hand edit deep inside a skill that arrived whole (its directories watched after the rename)', async () => {
    // alpha/ and alpha/scripts/ were staged in the role directory and renamed into skills/ at first convergence.
    const original = read('skills/alpha/scripts/run.sh');
    writeFileSync(join(roleDir, 'skills/alpha/scripts/run.sh'), '#!/bin/sh\necho hand edit\n');
    await eventually(() => read('skills/alpha/scripts/run.sh') === original, 10_000, 'revert inside scripts/');
    expect(readdirSync(roleDir).filter((n) => n.includes('.hero-tmp-'))).toEqual([]);
  });

  it('brings back a deleted generated file', async () => {
    const before = read('skills/gamma/SKILL.md');
    rmSync(join(roleDir, 'skills/gamma/SKILL.md'));
    await eventually(
      () => existsSync(join(roleDir, 'skills/gamma/SKILL.md')) && read('skills/gamma/SKILL.md') === before,
      10_000,
      'restore',
    );
  });

  it('reports a skill with broken frontmatter and still syncs the others', async () => {
    const goodCopy = read('skills/gamma/SKILL.md');
    put(registry('gamma/SKILL.md'), '---\nname: [unclosed\ndescription: x\n---\nbody\n');
    appendFileSync(registry('alpha/SKILL.md'), 'Second edit.\n');
    await eventually(() => read('skills/alpha/SKILL.md').includes('Second edit.'), 10_000, 'alpha still syncs');
    await eventually(
      () => /invalid registry skill/.test(daemon.log()) && daemon.log().includes('"skill":"gamma"'),
      10_000,
      'gamma reported',
    );
    expect(read('skills/gamma/SKILL.md')).toBe(goodCopy); // the last good copy stays
  });

  it('keeps the last valid store when store.json is edited into garbage', async () => {
    const storeFile = join(tree.paths.home, 'store.json');
    const good = readFileSync(storeFile, 'utf8');
    writeFileSync(storeFile, '{"version": 1, "roles": [');
    await eventually(() => /store\.json invalid/.test(daemon.log()), 10_000, 'store error reported');
    appendFileSync(registry('alpha/SKILL.md'), 'Third edit.\n');
    await eventually(
      () => read('skills/alpha/SKILL.md').includes('Third edit.'),
      10_000,
      'still converging on the last valid state',
    );
    expect(existsSync(join(roleDir, 'config.toml'))).toBe(true);
    writeFileSync(storeFile, good);
  });

  it('role rm removes the generated files and keeps a file the user put there', async () => {
    put(join(roleDir, 'NOTES.txt'), 'mine\n');
    const r = await cli(tree.env, 'role', 'rm', 'backend');
    expect(r.code).toBe(0);
    const gone = () =>
      ['config.toml', 'mcp.json', 'skills', '.hero-team-manifest.json'].every((f) => !existsSync(join(roleDir, f)));
    await eventually(gone, 10_000, 'role files removed');
    expect(readFileSync(join(roleDir, 'NOTES.txt'), 'utf8')).toBe('mine\n');
  });

  it('never logs the key and exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => daemon.child.once('exit', (code) => resolve(code)));
    daemon.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(daemon.log()).not.toContain(MARKER);
    expect(daemon.log()).toContain('"msg":"reconciled"');
  });
});
