/** `init` (items 14) and the catalog commands `model`/`provider list|add|rm` (item 15). */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';
import { makeTree, type TestTree } from '../helpers/tree.ts';

let tree: TestTree;
beforeEach(() => (tree = makeTree()));
afterEach(() => tree.cleanup());

describe('init (item 14)', () => {
  it('creates a 0600 secrets.env template and, on request, a registry of valid example skills; never overwrites', async () => {
    const registry = join(tree.root, 'fresh-registry');
    const env = { ...tree.env, HERO_TEAM_HOME: join(tree.root, 'new-home'), HERO_SKILLS_DIR: registry };
    const r = await cli(env, 'init', '--example-skills');
    expect(r.code).toBe(0);
    const secrets = join(env.HERO_TEAM_HOME, 'secrets.env');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(secrets, 'utf8')).toMatch(/^# KIMI_API_KEY=$/m);
    const names = readdirSync(registry).sort();
    expect(names.length).toBeGreaterThanOrEqual(3);
    const list = await cli(env, 'skill', 'list', '--json');
    const skills = JSON.parse(list.stdout).skills as { name: string; state: string; description?: string }[];
    expect(skills.map((s) => s.name)).toEqual(names);
    for (const s of skills)
      expect(s, s.name).toMatchObject({ state: 'valid', description: expect.stringMatching(/^.{40,}$/) });
    // A second run keeps the user's secrets and skills.
    writeFileSync(secrets, 'KIMI_API_KEY=mine\n', { mode: 0o644 });
    writeFileSync(join(registry, names[0]!, 'SKILL.md'), '---\nname: x\ndescription: my edit\n---\n');
    expect((await cli(env, 'init', '--example-skills')).code).toBe(0);
    expect(readFileSync(secrets, 'utf8')).toBe('KIMI_API_KEY=mine\n');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(registry, names[0]!, 'SKILL.md'), 'utf8')).toContain('my edit');
    expect(readdirSync(registry).sort()).toEqual(names);
  });
});

describe('model and provider commands (item 15)', () => {
  const storeText = () => readFileSync(join(tree.paths.home, 'store.json'), 'utf8');

  it('adds a custom provider and model a role can use; lists them without key values; removes them in order', async () => {
    const env = { ...tree.env, OPENROUTER_API_KEY: 'sk-or-marker-123' };
    expect(
      (
        await cli(
          env,
          'provider',
          'add',
          'openrouter',
          '--type',
          'openai_legacy',
          '--base-url',
          'https://openrouter.ai/api/v1',
          '--key-env',
          'OPENROUTER_API_KEY',
        )
      ).code,
    ).toBe(0);
    expect(
      (
        await cli(
          env,
          'model',
          'add',
          'openrouter/kimi-k2',
          '--provider',
          'openrouter',
          '--model-id',
          'moonshotai/kimi-k2',
          '--context',
          '131072',
          '--capabilities',
          'thinking',
        )
      ).code,
    ).toBe(0);
    const providers = await cli(env, 'provider', 'list');
    expect(providers.stdout).toMatch(
      /openrouter\s+openai_legacy\s+https:\/\/openrouter\.ai\/api\/v1\s+OPENROUTER_API_KEY \(set\)\s+custom/,
    );
    expect(providers.stdout).toMatch(/managed:groq\s+.*GROQ_API_KEY \(not set\)\s+built-in/);
    const models = await cli(env, 'model', 'list');
    expect(models.stdout).toMatch(
      /openrouter\/kimi-k2\s+openrouter\s+moonshotai\/kimi-k2\s+131072\s+OPENROUTER_API_KEY \(set\)\s+custom/,
    );
    for (const out of [
      providers.stdout,
      models.stdout,
      (await cli(env, 'model', 'list', '--json')).stdout,
      storeText(),
    ])
      expect(out).not.toContain('sk-or-marker-123');
    expect(JSON.parse(storeText()).catalog.providers.openrouter).toEqual({
      type: 'openai_legacy',
      baseUrl: 'https://openrouter.ai/api/v1',
      apiKeyEnv: 'OPENROUTER_API_KEY',
    });
    expect((await cli(env, 'role', 'add', 'dev', '--model', 'openrouter/kimi-k2')).code).toBe(0);
    expect((await cli(env, 'render', 'dev', '--file', 'config.toml')).stdout).toContain('[providers.openrouter]');
    const inUse = await cli(env, 'model', 'rm', 'openrouter/kimi-k2');
    expect([inUse.code, inUse.stderr]).toEqual([2, expect.stringContaining('used by role(s) dev')]);
    expect((await cli(env, 'provider', 'rm', 'openrouter')).stderr).toContain('used by model(s) openrouter/kimi-k2');
    await cli(env, 'role', 'rm', 'dev');
    expect((await cli(env, 'model', 'rm', 'openrouter/kimi-k2')).code).toBe(0);
    expect((await cli(env, 'provider', 'rm', 'openrouter')).code).toBe(0);
    expect(JSON.parse(storeText()).catalog).toEqual({ providers: {}, models: {} });
  });

  it.each([
    [
      [
        'provider',
        'add',
        'x',
        '--type',
        'openai_legacy',
        '--base-url',
        'https://x.test/v1',
        '--key-env',
        'sk-live-abc',
      ],
      /--key-env takes the NAME of a variable/,
    ],
    [
      ['provider', 'add', 'x', '--type', 'openai_chat', '--base-url', 'https://x.test/v1', '--key-env', 'X_KEY'],
      /unknown provider type "openai_chat"/,
    ],
    [
      ['provider', 'add', 'x', '--type', 'kimi', '--base-url', 'ftp://x', '--key-env', 'X_KEY'],
      /--base-url must be an http\(s\) URL/,
    ],
    [
      ['provider', 'add', 'managed:mine', '--type', 'kimi', '--base-url', 'https://x.test', '--key-env', 'X_KEY'],
      /invalid provider name "managed:mine"/,
    ],
    [
      ['provider', 'add', 'managed:groq', '--type', 'kimi', '--base-url', 'https://x.test', '--key-env', 'X_KEY'],
      /invalid provider name/,
    ],
    [['provider', 'rm', 'managed:groq'], /built in and cannot be removed/],
    [
      [
        'model',
        'add',
        'kimi-code/kimi-for-coding',
        '--provider',
        'managed:kimi-code',
        '--model-id',
        'x',
        '--context',
        '10',
      ],
      /already exists/,
    ],
    [
      ['model', 'add', '__proto__', '--provider', 'managed:kimi-code', '--model-id', 'x', '--context', '10'],
      /invalid model alias "__proto__"/,
    ],
    [['model', 'add', 'a', '--provider', 'managed:kimi-code', '--model-id', 'x'], /--context is required/],
    [
      [
        'model',
        'add',
        'a',
        '--provider',
        'managed:kimi-code',
        '--model-id',
        'x',
        '--context',
        '9',
        '--capabilities',
        'telepathy',
      ],
      /unknown capabilities telepathy/,
    ],
    [['model', 'rm', 'kimi-code/kimi-for-coding'], /built in and cannot be removed/],
  ])('refuses %j, exit 2, nothing written', async (argv, message) => {
    const r = await cli(tree.env, ...(argv as string[]));
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(existsSync(join(tree.paths.home, 'store.json'))).toBe(false);
  });
});
