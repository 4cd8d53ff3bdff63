/** `hero-team target` and the target `init` picks: the kimi on PATH, kimi-code without one, an existing choice kept. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { makeTree, put, writeStore, type TestTree } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => (tree = makeTree()));
afterEach(() => tree.cleanup());

const settings = () => JSON.parse(readFileSync(join(tree.paths.home, 'store.json'), 'utf8')).settings;
/** A PATH holding only a fake `kimi` printing this version. */
function pathWithKimi(version: string): string {
  put(join(tree.root, 'bin', 'kimi'), `#!/bin/sh\necho "${version}"\n`, 0o755);
  return `${join(tree.root, 'bin')}:/usr/bin:/bin`;
}

describe('init picks the target of a new install', () => {
  it('the Python kimi-cli on PATH: kimi-cli', async () => {
    const r = await cli({ ...tree.env, PATH: pathWithKimi('kimi, version 1.49.0') }, 'init');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/target:\s+kimi-cli \(kimi at .*\/bin\/kimi \(1\.49\.0\)\)/);
    expect(settings()).toEqual({ kimiTarget: 'kimi-cli' });
  });

  it('no kimi on PATH: kimi-code', async () => {
    const r = await cli({ ...tree.env, PATH: join(tree.root, 'empty') }, 'init');
    expect(r.stdout).toMatch(/target:\s+kimi-code \(no kimi on PATH\)/);
    expect(settings()).toEqual({ kimiTarget: 'kimi-code' });
  });

  it('a store from before targets keeps kimi-cli, whatever is on PATH', async () => {
    writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding' }]);
    const r = await cli({ ...tree.env, PATH: pathWithKimi('2.1.0') }, 'init');
    expect(r.stdout).toMatch(/target:\s+kimi-cli \(stored\), kept/);
  });
});

describe('hero-team target', () => {
  it('shows the target, its source, the key mode and whether the installed kimi matches', async () => {
    const env = { ...tree.env, PATH: pathWithKimi('kimi, version 1.49.0') };
    const r = await cli(env, 'target');
    expect(r.stdout).toContain('target: kimi-code (default)');
    expect(r.stdout).toContain('keys:   env (api_key_env');
    expect(r.stdout).toMatch(/kimi:\s+kimi at .* is kimi-cli, but roles are rendered for kimi-code\n\s+fix: .*hero-team target set kimi-cli/);
    expect((await cli(env, 'target', 'set', 'detect')).stdout).toContain('target: kimi-cli');
    const shown = await cli({ ...env, HERO_TEAM_KIMI_TARGET: 'kimi-code' }, 'target');
    expect(shown.stdout).toContain('target: kimi-code (from HERO_TEAM_KIMI_TARGET)');
    expect((await cli(env, 'target')).stdout).toMatch(/target: kimi-cli \(from the store\)[\s\S]*keys: {3}config[\s\S]*matches the target kimi-cli/);
  });

  it('refuses a bad target or key mode and changes nothing', async () => {
    for (const args of [['set', 'kimi-3'], ['set', 'kimi-code', '--keys', 'file'], ['kimi-code']]) {
      const r = await cli(tree.env, 'target', ...args);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect(() => readFileSync(join(tree.paths.home, 'store.json'))).toThrow();
  });
});

describe('hero-team doctor and the target', () => {
  it('reports a kimi on PATH that is not the client of the target as an error; judges a Kimi Code config.toml without kimi-cli rules', async () => {
    const env = { ...tree.env, PATH: pathWithKimi('kimi, version 1.49.0') };
    put(join(tree.root, 'registry', 'alpha', 'SKILL.md'), '---\nname: alpha\ndescription: the alpha skill\n---\nbody\n');
    expect((await cli(env, 'role', 'add', 'dev', '--skills', 'alpha')).code).toBe(0);
    expect((await cli(env, 'sync')).code).toBe(0);
    const r = await cli(env, 'doctor', '--json');
    const findings = JSON.parse(r.stdout).findings as { check: string; severity: string; message: string }[];
    expect(findings).toContainEqual(expect.objectContaining({ check: 'kimi.target', severity: 'error', message: expect.stringContaining('is kimi-cli, but roles are rendered for kimi-code') }));
    // default_permission_mode, [thinking]… are unknown to kimi-cli's rules and must not be reported for Kimi Code.
    expect(findings.filter((x) => x.check.startsWith('role.config'))).toEqual([]);
  });
});

describe('hero-team run for Kimi Code', () => {
  it('runs kimi with the role directory as its home, the model overrides removed and the named keys supplied', async () => {
    put(join(tree.root, 'registry', 'alpha', 'SKILL.md'), '---\nname: alpha\ndescription: the alpha skill\n---\nbody\n');
    const bin = join(tree.root, 'bin');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script: ${VAR-default} is sh syntax
    put(join(bin, 'kimi'), '#!/bin/sh\nprintf "%s\\n" "$KIMI_CODE_HOME" "${KIMI_MODEL_NAME-unset}" "$GROQ_API_KEY" "$KIMI_WEB_SEARCH_API_KEY" "$@" > "$KIMI_CODE_HOME/../kimi-args"\n', 0o755);
    const env = { ...tree.env, PATH: `${bin}:/usr/bin:/bin`, KIMI_MODEL_NAME: 'other', GROQ_API_KEY: 'gsk-1', KIMI_API_KEY: 'sk-1' };
    expect((await cli(env, 'role', 'add', 'dev', '--model', 'groq/kimi-k2-instruct', '--skills', 'alpha')).code).toBe(0);
    const dir = join(tree.paths.rolesDir, 'dev');
    const printed = await cli(env, 'run', 'dev', '--print', '--', '-p', 'hi');
    expect(printed.stdout.trim()).toBe(`env -u KIMI_MODEL_NAME -u KIMI_MODEL_API_KEY KIMI_CODE_HOME=${dir} KIMI_CODE_NO_AUTO_UPDATE=1 kimi --skills-dir ${dir}/skills -p hi`);
    const r = await cli(env, 'run', 'dev', '--', '-p', 'hi');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(tree.paths.rolesDir, 'kimi-args'), 'utf8').split('\n').filter(Boolean)).toEqual([dir, 'unset', 'gsk-1', 'sk-1', '--skills-dir', join(dir, 'skills'), '-p', 'hi']);
  });
});
