/** The Kimi Code target: config.toml and mcp.json in Kimi Code 2.x's shape; the legacy target's bytes unchanged. */
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { renderConfigToml } from '../../../src/controllers/render/config-toml.ts';
import { renderMcpJson } from '../../../src/controllers/render/mcp-json.ts';
import { renderRole } from '../../../src/controllers/render/role.ts';
import { renderKimiCodeConfig } from '../../../src/controllers/render/targets/kimi-code-config.ts';
import { toKimiCodeServer } from '../../../src/controllers/render/targets/kimi-code-mcp.ts';
import { kimiTarget, OWNED_TOP_LEVEL } from '../../../src/controllers/render/targets/target.ts';
import { effectiveCatalog } from '../../../src/desired/catalog-defaults.ts';
import { type KeyMode, type RoleSpecInput, RoleSpecSchema } from '../../../src/desired/schema.ts';
import { InvalidSpecError } from '../../../src/errors.ts';
import type { RegistryIndex } from '../../../src/observed/registry-types.ts';
import { expectGolden } from '../../helpers/golden.ts';

const ROLE_DIR = '/home/u/.kimi/roles/backend';
const SECRETS = { KIMI_API_KEY: 'sk-test-kimi', GROQ_API_KEY: 'gsk-test' };

const role = (o: Partial<RoleSpecInput> = {}) =>
  RoleSpecSchema.parse({
    name: 'backend',
    model: 'kimi-code/kimi-for-coding',
    maxContextSize: 131072,
    skills: ['git-helper'],
    mcp: ['github', 'search'],
    ...o,
  });
const catalog = () =>
  effectiveCatalog({
    providers: {
      openrouter: { type: 'openai_legacy', baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' },
    },
    models: { 'openrouter/qwen3-coder': { provider: 'openrouter', model: 'qwen/qwen3-coder', maxContextSize: 262144 } },
  });
const render = (keys: KeyMode, o: Partial<RoleSpecInput> = {}) =>
  renderKimiCodeConfig({ role: role(o), catalog: catalog(), roleDir: ROLE_DIR, secrets: SECRETS, keys });

// biome-ignore lint/suspicious/noExplicitAny: parsed TOML; its shape is what each test asserts
const tomlDoc = (text: string) => parse(text) as any;

const SERVICES = {
  github: { command: 'gh-mcp', args: ['serve'], env: { GH_TOKEN: 'ghp-x' }, description: 'ignored by Kimi' },
  search: { url: 'https://mcp.example.test/mcp', transport: 'streamable-http' as const, auth: 'tok-123' },
};

describe('Kimi Code config.toml', () => {
  it('matches the golden files (keys named, keys written)', () => {
    expectGolden('backend.kimi-code.config.toml', render('env').text);
    expectGolden('backend.kimi-code.keys-config.config.toml', render('config').text);
  });

  it('writes Kimi Code keys, never the legacy ones', () => {
    const doc = tomlDoc(render('env', { thinking: false, yolo: true }).text);
    expect(doc).toMatchObject({
      default_permission_mode: 'yolo',
      builtin_product_skills: false,
      thinking: { enabled: false },
    });
    for (const legacy of ['default_thinking', 'default_yolo', 'merge_all_available_skills', 'extra_skill_dirs'])
      expect(doc).not.toHaveProperty(legacy);
    expect(parse(render('env').text)).toMatchObject({ default_permission_mode: 'manual', thinking: { enabled: true } });
  });

  it('types Groq and SambaNova "openai" with max_output_size, and every provider static', () => {
    const doc = tomlDoc(render('env').text);
    expect(doc.providers['managed:groq']).toMatchObject({ type: 'openai', model_source: 'static' });
    expect(doc.providers['managed:sambanova']).toMatchObject({ type: 'openai', model_source: 'static' });
    expect(doc.providers['managed:kimi-code']).toMatchObject({ type: 'kimi', model_source: 'static' });
    expect(doc.models['groq/kimi-k2-instruct'].max_output_size).toBe(16384);
    expect(doc.models['sambanova/llama-3.3-70b'].max_output_size).toBe(8192);
    // Kimi Code learns a model can think from its table only.
    expect(doc.models['kimi-code/kimi-for-coding'].capabilities).toEqual(['thinking', 'image_in', 'video_in']);
  });

  it('names keys (api_key_env) by default: no secret in the file; writes them with keys=config', () => {
    const named = render('env');
    expect(named.text).not.toContain('sk-test-kimi');
    expect(named.text).not.toMatch(/^api_key =/m);
    const doc = tomlDoc(named.text);
    expect(doc.providers['managed:groq'].api_key_env).toBe('GROQ_API_KEY');
    expect(doc.services.moonshot_search).toEqual({ base_url: 'https://api.kimi.com/coding/v1/search' });
    expect(named.missingSecrets).toEqual(['SAMBANOVA_API_KEY']);
    const written = tomlDoc(render('config').text);
    expect(written.providers['managed:kimi-code'].api_key).toBe('sk-test-kimi');
    expect(written.providers['managed:kimi-code']).not.toHaveProperty('api_key_env');
    expect(written.services.moonshot_fetch.api_key).toBe('sk-test-kimi');
  });

  it('refuses a provider type Kimi Code cannot prompt with', () => {
    const cat = catalog();
    cat.providers.vx = { type: 'vertexai', baseUrl: 'https://vertex.test' };
    cat.models['vx/m'] = { provider: 'vx', model: 'm', maxContextSize: 1000 };
    const run = () =>
      renderKimiCodeConfig({
        role: role({ model: 'vx/m' }),
        catalog: cat,
        roleDir: ROLE_DIR,
        secrets: {},
        keys: 'env',
      });
    expect(run).toThrow(InvalidSpecError);
    expect(run).toThrow(/provider "vx" has type "vertexai", which Kimi Code cannot use/);
  });
});

describe('the legacy kimi-cli target', () => {
  it('renders exactly the seed bytes through the target interface (the golden files are unchanged)', () => {
    const input = { role: role({ mcp: [] }), catalog: catalog(), roleDir: ROLE_DIR, secrets: SECRETS };
    expect(kimiTarget('kimi-cli').renderConfig(input, 'env').text).toBe(renderConfigToml(input).text);
    expect(renderConfigToml(input).text).toContain('type = "openai_legacy"');
    expect(renderConfigToml(input).text).not.toContain('max_output_size');
  });

  it('spells a catalog "openai" provider the legacy way', () => {
    const cat = catalog();
    cat.providers.openrouter = { ...cat.providers.openrouter!, type: 'openai' };
    const text = renderConfigToml({
      role: role({ model: 'openrouter/qwen3-coder' }),
      catalog: cat,
      roleDir: ROLE_DIR,
      secrets: {},
    }).text;
    expect(parse(text)).toMatchObject({ providers: { openrouter: { type: 'openai_legacy' } } });
  });
});

describe('Kimi Code mcp.json', () => {
  it('matches the golden file: stdio with transport, streamable-http as http, a bearer token as a header', () => {
    const out = renderMcpJson(role(), SERVICES, toKimiCodeServer);
    expectGolden('backend.kimi-code.mcp.json', out.text);
    expect(out.rejectedServices).toEqual([]);
  });

  it('translates each accepted form and leaves out what Kimi Code would reject', () => {
    expect(toKimiCodeServer({ url: 'https://h.test/v1/sse' })).toEqual({
      transport: 'sse',
      url: 'https://h.test/v1/sse',
    });
    expect(toKimiCodeServer({ url: 'https://h.test/mcp', auth: 'oauth' })).toEqual({
      transport: 'http',
      url: 'https://h.test/mcp',
      auth: 'oauth',
    });
    expect(toKimiCodeServer({ url: 'https://h.test/mcp', auth: 't', headers: { authorization: 'Basic x' } })).toEqual({
      transport: 'http',
      url: 'https://h.test/mcp',
      headers: { authorization: 'Basic x' },
    });
    expect(toKimiCodeServer({ command: 'x', disabled: true } as never)).toEqual({
      transport: 'stdio',
      command: 'x',
      enabled: false,
    });
    expect(toKimiCodeServer({ url: 'not a url' })).toBeUndefined();
    expect(toKimiCodeServer({ url: 'ftp://h.test/x' })).toBeUndefined();
    const out = renderMcpJson(
      role({ mcp: ['ok', 'bad'] }),
      { ok: { command: 'x' }, bad: { url: 'nope' } },
      toKimiCodeServer,
    );
    expect(out.rejectedServices).toEqual(['bad']);
    expect(JSON.parse(out.text).mcpServers).toEqual({ ok: { command: 'x', transport: 'stdio' } });
  });
});

describe('renderRole per target', () => {
  const index: RegistryIndex = { root: '/reg', exists: true, skills: new Map(), invalid: new Map() };
  const renderFor = (target: 'kimi-code' | 'kimi-cli') =>
    renderRole({
      role: role({ skills: [], mcp: ['search'] }),
      catalog: catalog(),
      rolesDir: '/r',
      index,
      services: SERVICES,
      secrets: SECRETS,
      target,
      keys: 'env',
    });

  it('writes only top-level entries the watcher treats as ours, for both targets', () => {
    for (const target of ['kimi-code', 'kimi-cli'] as const) {
      for (const f of renderFor(target).files) expect(OWNED_TOP_LEVEL.has(f.path.split('/')[0]!)).toBe(true);
    }
  });

  it('gives the two targets different revisions, so a switch re-renders every role', () => {
    expect(renderFor('kimi-code').revision).not.toBe(renderFor('kimi-cli').revision);
    expect(renderFor('kimi-cli').keyMode).toBe('config');
    expect(renderFor('kimi-code').keyMode).toBe('env');
  });
});
