import { describe, expect, it } from 'vitest';
import { redactMcpServers, renderMcpJson } from '../../../src/controllers/render/mcp-json.ts';
import { type RoleSpecInput, RoleSpecSchema } from '../../../src/desired/schema.ts';
import type { McpServer } from '../../../src/observed/services.ts';
import { expectGolden } from '../../helpers/golden.ts';
import { checkMcpJson } from '../../helpers/kimi-rules.ts';

const GITHUB_TOKEN = 'ghp-test-token';
const SEARCH_TOKEN = 'Bearer search-test-token';

function role(overrides: Partial<RoleSpecInput> = {}) {
  return RoleSpecSchema.parse({
    name: 'backend',
    model: 'kimi-code/kimi-for-coding',
    maxContextSize: 131072,
    skills: ['git-helper', 'tdd'],
    mcp: ['github', 'search'],
    ...overrides,
  });
}

/** Services catalog: a stdio server with env, a remote one with headers, one nobody whitelists. */
function services(): Record<string, McpServer> {
  return {
    search: { url: 'https://search.example.test/mcp', transport: 'http', headers: { Authorization: SEARCH_TOKEN } },
    github: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: { GITHUB_TOKEN, GITHUB_HOST: 'github.com' },
    },
    filesystem: { command: 'mcp-filesystem', args: ['/srv/data'] },
  };
}

describe('renderMcpJson', () => {
  it('matches the golden file', () => {
    const out = renderMcpJson(role(), services());
    expectGolden('backend.mcp.json', out.text);
    expect(out.missingServices).toEqual([]);
  });

  it('passes the Kimi rules with zero violations', () => {
    expect(checkMcpJson(renderMcpJson(role(), services()).text)).toEqual([]);
    expect(checkMcpJson(renderMcpJson(role({ mcp: ['*'] }), services()).text)).toEqual([]);
  });

  it('renders only whitelisted services that the catalog lists', () => {
    const doc = JSON.parse(renderMcpJson(role(), services()).text);
    expect(Object.keys(doc.mcpServers)).toEqual(['github', 'search']);
  });

  it('renders every service for ["*"]', () => {
    const out = renderMcpJson(role({ mcp: ['*'] }), services());
    expect(Object.keys(JSON.parse(out.text).mcpServers)).toEqual(['filesystem', 'github', 'search']);
    expect(out.missingServices).toEqual([]);
  });

  it('lists whitelisted services absent from the catalog, sorted', () => {
    const out = renderMcpJson(role({ mcp: ['zeta', 'github', 'alpha', 'zeta'] }), services());
    expect(out.missingServices).toEqual(['alpha', 'zeta']);
    expect(Object.keys(JSON.parse(out.text).mcpServers)).toEqual(['github']);
  });

  it('renders an empty map the same way', () => {
    const expected = '{\n  "mcpServers": {}\n}\n';
    expect(renderMcpJson(role({ mcp: [] }), services())).toEqual({
      text: expected,
      missingServices: [],
      rejectedServices: [],
    });
    expect(renderMcpJson(role({ mcp: ['*'] }), {}).text).toBe(expected);
    expect(checkMcpJson(expected)).toEqual([]);
  });

  it('sorts object keys recursively, keeps array order, ignores insertion order', () => {
    const a = renderMcpJson(role({ mcp: ['*'] }), services()).text;
    const flipped = Object.fromEntries(
      Object.entries(services())
        .reverse()
        .map(([k, v]) => [k, Object.fromEntries(Object.entries(v).reverse())]),
    );
    expect(renderMcpJson(role({ mcp: ['*'] }), flipped as Record<string, McpServer>).text).toBe(a);
    const github = JSON.parse(a).mcpServers.github;
    expect(Object.keys(github)).toEqual(['args', 'command', 'env']);
    expect(Object.keys(github.env)).toEqual(['GITHUB_HOST', 'GITHUB_TOKEN']);
    expect(github.args).toEqual(['-y', '@modelcontextprotocol/server-github']);
  });
});

describe('redactMcpServers', () => {
  it('hides env and headers values and bearer auth, keeps oauth and everything else', () => {
    const catalog = {
      ...services(),
      oauthy: { url: 'https://o.example.test/mcp', auth: 'oauth' },
      tokened: { url: 'https://t.example.test/mcp', auth: 'tok-secret' },
    };
    const text = renderMcpJson(role({ mcp: ['*'] }), catalog).text;
    const shown = redactMcpServers(text);
    for (const secret of [GITHUB_TOKEN, SEARCH_TOKEN, 'tok-secret', 'github.com']) expect(shown).not.toContain(secret);
    const doc = JSON.parse(shown).mcpServers;
    expect(doc.github.env).toEqual({ GITHUB_HOST: '<redacted>', GITHUB_TOKEN: '<redacted>' });
    expect(doc.search.headers).toEqual({ Authorization: '<redacted>' });
    expect(doc.oauthy.auth).toBe('oauth');
    expect(doc.tokened.auth).toBe('<redacted>');
    expect(doc.github.args).toEqual(['-y', '@modelcontextprotocol/server-github']);
    expect(shown.endsWith('}\n')).toBe(true);
    expect(checkMcpJson(shown)).toEqual([]);
  });

  it('shows nothing of a text that is not JSON', () => {
    const shown = redactMcpServers('{"mcpServers": {"x": {"env": {"K": "secret-value"}}');
    expect(shown).not.toContain('secret-value');
  });
});

describe('checkMcpJson', () => {
  it('flags malformed documents and entries', () => {
    expect(checkMcpJson('{')[0]).toMatch(/^not valid JSON/);
    expect(checkMcpJson('{"mcpServers": []}')).toEqual(['mcpServers must be an object']);
    expect(checkMcpJson('[]')).toEqual(['top level must be an object']);
    const bad = {
      mcpServers: {
        both: { command: 'x', url: 'https://x' },
        neither: { args: [] },
        badArgs: { command: 'x', args: '-y' },
        badCommand: { command: ['npx', '-y'] },
        badHeaders: { url: 'https://x', headers: { 'X-N': 1 } },
        badTransport: { command: 'x', transport: 'http' },
      },
    };
    expect(checkMcpJson(JSON.stringify(bad))).toEqual([
      'mcpServers."both" needs exactly one of command (string) or url (string)',
      'mcpServers."neither" needs exactly one of command (string) or url (string)',
      'mcpServers."badArgs".args must be a list of strings',
      'mcpServers."badCommand" needs exactly one of command (string) or url (string)',
      'mcpServers."badCommand".command must be a string',
      'mcpServers."badHeaders".headers must map strings to strings',
      'mcpServers."badTransport".transport must be "stdio" for a command server',
    ]);
  });
});
