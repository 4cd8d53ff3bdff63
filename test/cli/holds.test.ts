/** Held changes (issue 12 items 1, 2, 12): inputs that cannot justify a prune or a write keep what is on disk, say why, and `sync` exits 1. */
import { existsSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
const roleDir = (r: string) => join(tree.paths.rolesDir, r);
const copy = (skill: string) => join(roleDir('dev'), 'skills', skill, 'SKILL.md');
const MODEL = 'kimi-code/kimi-for-coding';

beforeEach(async () => {
  tree = makeTree({ KIMI_API_KEY: 'k' });
  for (const s of ['alpha', 'beta', 'gamma']) addSkill(tree, s);
  writeStore(tree, [{ name: 'dev', model: MODEL, skills: ['alpha', 'beta', 'gamma'] }]);
  expect((await cli(tree.env, 'sync')).code).toBe(0);
});
afterEach(() => tree.cleanup());

describe('a registry that is missing, moved or emptied (item 1)', () => {
  it('a moved registry prunes nothing: sync exits 1 naming RegistryUnavailable, and converges once it is back', async () => {
    renameSync(tree.paths.skillsDir, `${tree.paths.skillsDir}.moved`);
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RegistryUnavailable.*is missing/);
    for (const s of ['alpha', 'beta', 'gamma']) expect(existsSync(copy(s))).toBe(true);
    renameSync(`${tree.paths.skillsDir}.moved`, tree.paths.skillsDir);
    expect((await cli(tree.env, 'sync')).code).toBe(0);
  });

  it('an emptied registry (rm -rf then a clone not yet done) prunes nothing', async () => {
    rmSync(tree.paths.skillsDir, { recursive: true });
    put(join(tree.paths.skillsDir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/RegistryUnavailable.*holds no skill/);
    for (const s of ['alpha', 'beta', 'gamma']) expect(existsSync(copy(s))).toBe(true);
  });

  it("most of a role's skills vanishing in one step is held unless --prune-vanished; one vanishing is pruned as usual", async () => {
    rmSync(join(tree.paths.skillsDir, 'beta'), { recursive: true });
    rmSync(join(tree.paths.skillsDir, 'gamma'), { recursive: true });
    const held = await cli(tree.env, 'sync');
    expect(held.code).toBe(1);
    expect(held.stdout).toMatch(/SkillsVanished.*2 of the role's 3 skills vanished.*--prune-vanished/);
    expect(existsSync(copy('beta')) && existsSync(copy('gamma'))).toBe(true);
    const pruned = await cli(tree.env, 'sync', '--prune-vanished');
    expect(pruned.code).toBe(0);
    expect(existsSync(copy('beta')) || existsSync(copy('gamma'))).toBe(false);
    expect(existsSync(copy('alpha'))).toBe(true);
    // A single skill gone of two copied: an ordinary removal.
    addSkill(tree, 'beta');
    writeStore(tree, [{ name: 'dev', model: MODEL, skills: ['alpha', 'beta'] }]);
    expect((await cli(tree.env, 'sync')).code).toBe(0);
    rmSync(join(tree.paths.skillsDir, 'beta'), { recursive: true });
    expect((await cli(tree.env, 'sync')).code).toBe(0);
    expect(existsSync(copy('beta'))).toBe(false);
  });
});

describe('an invalid services.json (item 2)', () => {
  const services = () => join(tree.paths.home, 'services.json');
  const mcp = () => readFileSync(join(roleDir('dev'), 'mcp.json'), 'utf8');

  beforeEach(async () => {
    put(services(), JSON.stringify({ services: { gh: { command: 'gh-mcp', args: ['serve'] } } }));
    writeStore(tree, [{ name: 'dev', model: MODEL, skills: ['alpha', 'beta', 'gamma'], mcp: ['gh'] }]);
    expect((await cli(tree.env, 'sync')).code).toBe(0);
    expect(mcp()).toContain('gh-mcp');
  });

  it('a one-off sync keeps the last valid catalog (persisted, 0600) and exits 1', async () => {
    writeFileSync(services(), '{"services": {');
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/services\.json: not valid JSON.*last valid catalog stays in force/);
    expect(mcp()).toContain('gh-mcp');
  });

  it('with no valid catalog known, mcp.json is left as it is (held), never emptied', async () => {
    writeFileSync(services(), '{"services": {');
    unlinkSync(join(tree.paths.home, 'services.last-good.json'));
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ServicesUnavailable.*mcp\.json is left as it is/);
    expect(mcp()).toContain('gh-mcp');
  });
});

describe('drift under the report policy (item 12)', () => {
  it('a hand edit that holds back a spec change is reported as held: sync exits 1 naming the file and the way out', async () => {
    writeStore(tree, [{ name: 'dev', model: MODEL, skills: ['alpha'], driftPolicy: 'report' }]);
    expect((await cli(tree.env, 'sync')).code).toBe(0);
    const config = join(roleDir('dev'), 'config.toml');
    writeFileSync(config, `${readFileSync(config, 'utf8')}# my note\n`);
    writeStore(tree, [{ name: 'dev', model: MODEL, skills: ['alpha'], driftPolicy: 'report', thinking: false }]);
    const r = await cli(tree.env, 'sync');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NOT CONVERGED \(held\)/);
    expect(r.stdout).toMatch(/DriftHeld.*config\.toml.*hero-team restore dev.*--drift revert/);
    expect(readFileSync(config, 'utf8')).toContain('# my note');
  });
});
