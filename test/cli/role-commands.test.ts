/** role add/set/list/show/rm and skill list: clear errors for bad input, nothing changed on error, secrets never printed. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliProcess } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree } from '../helpers/tree.ts';

const MARKER = 'sk-MARKER-cli-31337';

describe('role commands', () => {
  let tree: TestTree;
  const storeFile = () => join(tree.paths.home, 'store.json');
  const storeText = () => (existsSync(storeFile()) ? readFileSync(storeFile(), 'utf8') : '<none>');

  beforeEach(() => {
    tree = makeTree({ KIMI_API_KEY: MARKER });
    addSkill(tree, 'alpha');
    addSkill(tree, 'beta');
    put(
      join(tree.paths.home, 'services.json'),
      JSON.stringify({ services: { github: { command: 'gh-mcp', env: { GH_TOKEN: 'ghp-secret-value' } } } }),
    );
  });
  afterEach(() => tree.cleanup());

  it('adds a role with defaults and shows it with its launch line', async () => {
    const add = await cli(
      tree.env,
      'role',
      'add',
      'backend',
      '--model',
      'kimi-code/kimi-for-coding',
      '--skills',
      'alpha',
      '--mcp',
      'github',
      '--no-thinking',
      '--context',
      '100000',
    );
    expect(add.code).toBe(0);
    const store = JSON.parse(storeText());
    expect(store.roles[0]).toMatchObject({
      name: 'backend',
      thinking: false,
      yolo: false,
      skills: ['alpha'],
      mcp: ['github'],
      maxContextSize: 100000,
      generation: 1,
      driftPolicy: 'revert',
    });
    // A new store renders for Kimi Code: the role directory is kimi's home.
    const dir = `${tree.paths.rolesDir}/backend`;
    expect(add.stdout).toContain(
      `launch: env -u KIMI_MODEL_NAME -u KIMI_MODEL_API_KEY KIMI_CODE_HOME=${dir} KIMI_CODE_NO_AUTO_UPDATE=1 kimi --skills-dir ${dir}/skills`,
    );
    const show = await cli(tree.env, 'role', 'show', 'backend');
    expect(show.stdout).toContain(
      `launch:      env -u KIMI_MODEL_NAME -u KIMI_MODEL_API_KEY KIMI_CODE_HOME=${dir} KIMI_CODE_NO_AUTO_UPDATE=1 kimi --skills-dir ${dir}/skills`,
    );
    const legacy = await cli({ ...tree.env, HERO_TEAM_KIMI_TARGET: 'kimi-cli' }, 'role', 'show', 'backend');
    expect(legacy.stdout).toContain(
      `kimi --config-file ${dir}/config.toml --mcp-config-file ${dir}/mcp.json --skills-dir ${dir}/skills`,
    );
    const list = await cli(tree.env, 'role', 'list');
    expect(list.stdout).toMatch(/backend\s+kimi-code\/kimi-for-coding\s+false\s+1\s+github/);
  });

  it('role set changes only the given fields and bumps generation only on a real change', async () => {
    await cli(
      tree.env,
      'role',
      'add',
      'backend',
      '--model',
      'kimi-code/kimi-for-coding',
      '--skills',
      'alpha',
      '--description',
      'keep me',
    );
    expect((await cli(tree.env, 'role', 'set', 'backend', '--skills', 'alpha,beta')).stdout).toContain('generation 2');
    expect((await cli(tree.env, 'role', 'set', 'backend', '--skills', 'alpha,beta')).stdout).toContain('unchanged');
    const role = JSON.parse(storeText()).roles[0];
    expect(role).toMatchObject({ skills: ['alpha', 'beta'], description: 'keep me', generation: 2 });
  });

  it.each([
    [['role', 'add', '../x', '--model', 'kimi-code/kimi-for-coding'], /invalid role name "\.\.\/x"/],
    [['role', 'add', 'Backend'], /invalid role name "Backend"/],
    [
      ['role', 'add', 'x', '--model', 'nope/model'],
      /unknown model "nope\/model"; known models: .*kimi-code\/kimi-for-coding/,
    ],
    [['role', 'add', 'x', '--skills', 'alpha,nope'], /unknown skill "nope": not found in /],
    [['role', 'add', 'x', '--mcp', 'jira'], /unknown MCP service\(s\) "jira"; services.json lists: github/],
    [['role', 'add', 'x', '--context', '12k'], /--context must be a positive integer, got "12k"/],
    [['role', 'add', 'x', '--drift', 'ignore'], /--drift must be "revert" or "report"/],
    [['role', 'add', 'x', '--colour', 'red'], /Unknown option '--colour'/],
    [['role', 'set', 'ghost', '--yolo'], /role "ghost" does not exist/],
    [['role', 'rm', 'ghost'], /role "ghost" does not exist/],
    [['render', 'ghost'], /role "ghost" does not exist/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('rejects %j with a clear message, exit 2, and no change', async (argv, message) => {
    const before = storeText();
    const r = await cli(tree.env, ...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(storeText()).toBe(before);
  });

  it('refuses to add an existing role', async () => {
    await cli(tree.env, 'role', 'add', 'backend');
    const r = await cli(tree.env, 'role', 'add', 'backend');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists');
  });

  it('refuses an invalid registry skill with its reason', async () => {
    put(join(tree.paths.skillsDir, 'bad', 'SKILL.md'), '---\nname: 123\n---\n');
    const r = await cli(tree.env, 'role', 'add', 'x', '--skills', 'bad');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/skill "bad" is invalid in the registry: .*name/);
  });

  it('never prints a secret: render, sync, show and skill list (real binary)', async () => {
    await cli(tree.env, 'role', 'add', 'backend', '--skills', 'alpha', '--mcp', 'github');
    const outputs = await Promise.all([
      cliProcess(tree.env, 'render', 'backend'),
      cliProcess(tree.env, 'sync'),
      cliProcess(tree.env, 'role', 'show', 'backend'),
      cliProcess(tree.env, 'skill', 'list'),
      cliProcess(tree.env, 'render', 'backend', '--file', 'mcp.json'),
    ]);
    for (const o of outputs) {
      expect(o.code).toBe(0);
      expect(o.stdout + o.stderr).not.toContain(MARKER);
      expect(o.stdout + o.stderr).not.toContain('ghp-secret-value');
    }
    // Kimi Code with named keys (the default): the key is in no file at all.
    const config = join(tree.paths.rolesDir, 'backend', 'config.toml');
    expect(readFileSync(config, 'utf8')).toContain('api_key_env = "KIMI_API_KEY"');
    expect(readFileSync(config, 'utf8')).not.toContain(MARKER);
    // Keys written into config.toml: masked on display, present in the file.
    expect((await cli(tree.env, 'target', 'set', '--keys', 'config')).code).toBe(0);
    const again = [
      await cli(tree.env, 'render', 'backend'),
      await cli(tree.env, 'sync'),
      await cli(tree.env, 'role', 'show', 'backend'),
    ];
    for (const o of again) {
      expect(o.code).toBe(0);
      expect(o.stdout + o.stderr).not.toContain(MARKER);
    }
    expect(again[0]!.stdout).toContain('<redacted:KIMI_API_KEY>');
    expect(readFileSync(config, 'utf8')).toContain(MARKER);
    const shown = await cli(tree.env, 'render', 'backend', '--file', 'config.toml', '--show-secrets');
    expect(shown.stdout).toContain(MARKER);
  });

  it('skill list shows file counts, invalid skills with reasons and the roles using them', async () => {
    put(join(tree.paths.skillsDir, 'broken', 'SKILL.md'), '---\nname: [x\n---\n');
    await cli(tree.env, 'role', 'add', 'backend', '--skills', 'alpha');
    const r = await cli(tree.env, 'skill', 'list');
    expect(r.stdout).toMatch(/alpha\s+1 file\(s\)\s+roles: backend/);
    expect(r.stdout).toMatch(/broken\s+INVALID: .*YAML/);
    const only = await cli(tree.env, 'skill', 'list', '--role', 'backend');
    expect(only.stdout).not.toContain('beta');
  });

  it('help lists every command and exits 0', async () => {
    const r = await cli(tree.env, 'help');
    expect(r.code).toBe(0);
    for (const c of [
      'serve',
      'sync',
      'render',
      'role add',
      'role set',
      'role rm',
      'role list',
      'role show',
      'skill list',
    ])
      expect(r.stdout).toContain(c);
  });
});
