/**
 * The CLI contract of issue 12: help and --version from the command table, flags refused when repeated or
 * contradictory, whitelist edits, prototype names, sync validating every argument before writing and not
 * calling conflicts "converged", skill list details, readable logs, progress on a terminal.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
const storeFile = () => join(tree.paths.home, 'store.json');
const storeText = () => (existsSync(storeFile()) ? readFileSync(storeFile(), 'utf8') : '<none>');
const role = (name: string) => JSON.parse(storeText()).roles.find((r: { name: string }) => r.name === name);

beforeEach(() => {
  tree = makeTree({ KIMI_API_KEY: 'sk-contract-marker' });
  addSkill(tree, 'alpha');
  addSkill(tree, 'beta');
  addSkill(tree, 'gamma');
  put(join(tree.paths.home, 'services.json'), JSON.stringify({ services: { github: { command: 'gh-mcp' } } }));
});
afterEach(() => tree.cleanup());

describe('help and version (item 16)', () => {
  it('answers "role --help", "help role", "role add --help" and "--version" from the command table', async () => {
    const group = await cli(tree.env, 'role', '--help');
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('usage: hero-team role add NAME [--model M]');
    expect(group.stdout).toContain('usage: hero-team role set NAME');
    expect((await cli(tree.env, 'help', 'role')).stdout).toBe(group.stdout);
    const one = await cli(tree.env, 'role', 'add', '--help');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/--\[no-\]thinking\s+thinking on by default/);
    expect(one.stdout).toContain('examples:');
    expect((await cli(tree.env, 'help', 'role', 'add')).stdout).toBe(one.stdout);
    const version = await cli(tree.env, '--version');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(version.stdout.trim()).toBe(`hero-team ${pkg.version}`);
    const all = await cli(tree.env, 'help');
    for (const c of ['init', 'model add', 'provider list', 'skill list']) expect(all.stdout).toContain(c);
    expect((await cli(tree.env, 'help', 'nope')).code).toBe(2);
  });

  it.each([
    [['role', 'add', 'x', '--thinking', '--no-thinking'], /--thinking and --no-thinking contradict each other/],
    [
      ['role', 'add', 'x', '--model', 'kimi-code/kimi-for-coding', '--model', 'groq/kimi-k2-instruct'],
      /--model given twice/,
    ],
    [['role', 'add', 'x', '--context', '0'], /--context must be a positive integer/],
    [['role', 'add', 'x', '--context', '262145'], /--context 262145 exceeds the model's context of 262144/],
    [
      ['role', 'add', 'x', '--model', 'sambanova/llama-3.3-70b', '--context', '200000'],
      /exceeds the model's context of 131072/,
    ],
    [['role', 'add', 'x', '--skills', 'alpha,+beta'], /either a full list \(a,b\) or edits \(\+a,-b\)/],
    [['skill', 'list', '--json', '--json'], /--json given twice/],
    [['role', 'list', '--no-json'], /--no-json is not a flag/],
  ])('refuses %j, exit 2, nothing written', async (argv, message) => {
    const r = await cli(tree.env, ...(argv as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(storeText()).toBe('<none>');
  });

  it('edits a whitelist with +a,-b and --add-skills/--remove-skills, collapsing duplicates', async () => {
    expect(
      (await cli(tree.env, 'role', 'add', 'dev', '--skills', 'alpha,alpha,beta', '--mcp', 'github,github')).code,
    ).toBe(0);
    expect(role('dev')).toMatchObject({ skills: ['alpha', 'beta'], mcp: ['github'] });
    expect((await cli(tree.env, 'role', 'set', 'dev', '--skills', '+gamma,-alpha')).code).toBe(0);
    expect(role('dev').skills).toEqual(['beta', 'gamma']);
    expect((await cli(tree.env, 'role', 'set', 'dev', '--skills=-beta')).code).toBe(0);
    expect(role('dev').skills).toEqual(['gamma']);
    expect(
      (await cli(tree.env, 'role', 'set', 'dev', '--add-skills', 'alpha,gamma', '--remove-skills', 'gamma')).code,
    ).toBe(2);
    expect((await cli(tree.env, 'role', 'set', 'dev', '--add-skills', 'alpha,alpha')).code).toBe(0);
    expect(role('dev').skills).toEqual(['gamma', 'alpha']);
    const unknown = await cli(tree.env, 'role', 'set', 'dev', '--add-skills', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown skill "nope"');
    expect(role('dev')).toMatchObject({ skills: ['gamma', 'alpha'], generation: 4 });
  });
});

describe('prototype names (item 8)', () => {
  it.each([
    [['role', 'add', 'x', '--model', 'constructor'], /unknown model "constructor"/],
    [['role', 'add', 'x', '--model', '__proto__'], /unknown model "__proto__"/],
    [['role', 'add', 'x', '--model', 'toString'], /unknown model "toString"/],
    [['role', 'add', 'x', '--mcp', 'toString'], /unknown MCP service\(s\) "toString"/],
    [
      ['role', 'add', 'x', '--mcp', 'constructor,hasOwnProperty'],
      /unknown MCP service\(s\) "constructor", "hasOwnProperty"/,
    ],
    [
      ['model', 'add', 'm', '--provider', 'constructor', '--model-id', 'x', '--context', '1000'],
      /unknown provider "constructor"/,
    ],
  ])('refuses %j as unknown', async (argv, message) => {
    const r = await cli(tree.env, ...(argv as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(storeText()).toBe('<none>');
  });

  it('a store naming a prototype model stalls the role with a clear reason, not provider "undefined"', async () => {
    writeStore(tree, [{ name: 'dev', model: 'constructor' }]);
    const r = await cli(tree.env, 'sync', 'dev');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('dev: STALLED: role "dev": model "constructor" is not in the catalog');
    expect(r.stdout).not.toContain('undefined');
  });
});

describe('sync (item 9)', () => {
  it('checks every ROLE before writing anything', async () => {
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    const r = await cli(tree.env, 'sync', 'backend', 'nosuchrole');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such role and no managed directory: "nosuchrole"; nothing was written');
    expect(existsSync(join(tree.paths.rolesDir, 'backend'))).toBe(false);
  });

  it('does not call a role converged when a conflict kept a file from being written (exit 1)', async () => {
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    mkdirSync(join(tree.paths.rolesDir, 'backend', 'config.toml'), { recursive: true });
    const r = await cli(tree.env, 'sync');
    expect(r.stdout).toContain('backend: NOT CONVERGED: 1 file(s) not written');
    expect(r.stdout).toContain('not written: config.toml');
    expect(r.stdout).not.toMatch(/backend: converged/);
    expect(r.code).toBe(1);
    expect(statSync(join(tree.paths.rolesDir, 'backend', 'config.toml')).isDirectory()).toBe(true);
  });
});

describe('logs and progress (items 18, 19)', () => {
  it('sync prints readable warning lines, never raw JSON log lines', async () => {
    put(join(tree.paths.skillsDir, 'broken', 'SKILL.md'), '---\nname: [x\n---\n');
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha', 'broken'] }]);
    put(join(tree.paths.rolesDir, 'backend', '.hero-team-manifest.json'), '{ corrupt');
    const r = await cli({ ...tree.env, LOG_LEVEL: 'info' }, 'sync');
    expect(r.stderr).toContain('hero-team: warning: manifest unreadable');
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) expect(line.trimStart().startsWith('{'), line).toBe(false);
    expect(r.stdout).toContain('invalid registry skills (last good copy kept): broken');
  });

  it('shows roles done of total and files written on a terminal, and nothing off one', async () => {
    writeStore(
      tree,
      ['a', 'b', 'c'].map((name) => ({ name, model: 'kimi-code/kimi-for-coding', skills: ['alpha'] })),
    );
    const run = async (tty: boolean) => {
      const stdout = new PassThrough();
      const stderr = Object.assign(new PassThrough(), { isTTY: tty });
      let err = '';
      stderr.on('data', (c) => (err += c));
      stdout.resume();
      expect(await runCli(['sync'], { env: tree.env, stdout, stderr })).toBe(0);
      return err;
    };
    const shown = await run(true);
    expect(shown).toMatch(/\r\x1b\[Ksync: 1\/3 roles, \d+ file\(s\) written/);
    expect(shown).toMatch(/sync: 3\/3 roles, \d+ file\(s\) written/);
    expect(shown.endsWith('\r\x1b[K')).toBe(true);
    await cli(tree.env, 'role', 'set', 'a', '--skills', '+beta');
    expect(await run(false)).toBe('');
  });
});

describe('skill list (item 20)', () => {
  it('shows description and tags, flags a frontmatter name that differs from the folder, lists with a corrupt store', async () => {
    put(
      join(tree.paths.skillsDir, 'deploy', 'SKILL.md'),
      '---\nname: deployer\ndescription: Ship it safely\nmetadata:\n  tags: [ops, release]\n---\nbody\n',
    );
    put(storeFile(), '{ "version": 1, "roles": [ }');
    const r = await cli(tree.env, 'skill', 'list');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*store\.json:1:\d+: .*listing the registry without roles/);
    expect(r.stdout).toMatch(/deploy\s+1 file\(s\)\s+\[ops, release\]/);
    expect(r.stdout).toContain('    Ship it safely');
    expect(r.stdout).toContain('warning: SKILL.md names it "deployer"');
    expect(r.stdout).toContain('the alpha skill');
    const json = JSON.parse((await cli(tree.env, 'skill', 'list', '--json')).stdout);
    expect(json.skills.find((s: { name: string }) => s.name === 'deploy')).toMatchObject({
      description: 'Ship it safely',
      tags: ['ops', 'release'],
      frontmatterName: 'deployer',
    });
    expect((await cli(tree.env, 'skill', 'list', '--role', 'x')).code).toBe(2);
  });
});

describe('--context against a new model (item 16)', () => {
  it("refuses a model change that the role's context override no longer fits", async () => {
    expect((await cli(tree.env, 'role', 'add', 'dev', '--context', '200000')).code).toBe(0);
    const r = await cli(tree.env, 'role', 'set', 'dev', '--model', 'sambanova/llama-3.3-70b');
    expect(r.stderr).toContain(
      "--context 200000 exceeds the model's context of 131072 tokens (sambanova/llama-3.3-70b)",
    );
    expect(r.code).toBe(2);
    expect(
      (await cli(tree.env, 'role', 'set', 'dev', '--model', 'sambanova/llama-3.3-70b', '--context', '100000')).code,
    ).toBe(0);
  });
});
