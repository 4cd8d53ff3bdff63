/** Kimi Code's config.toml and mcp.json rules (kimi-code-format §3, §7) against the golden files of both targets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkKimiCodeConfig, checkKimiCodeMcpJson } from '../../src/observed/kimi-code-config-rules.ts';
import { KIMI_FILE_RULES } from '../../src/observed/kimi-file-rules.ts';

const golden = (name: string) => readFileSync(join('test', 'fixtures', 'golden', name), 'utf8');

describe('Kimi Code rules', () => {
  it('accept the Kimi Code golden files (keys named and keys written)', () => {
    expect(checkKimiCodeConfig(golden('backend.kimi-code.config.toml'))).toEqual([]);
    expect(checkKimiCodeConfig(golden('backend.kimi-code.keys-config.config.toml'))).toEqual([]);
    expect(checkKimiCodeMcpJson(golden('backend.kimi-code.mcp.json'))).toEqual([]);
    expect(KIMI_FILE_RULES['kimi-code'].config(golden('hooks-role.kimi-code.config.toml'))).toEqual([]);
    expect(KIMI_FILE_RULES['kimi-cli'].config(golden('hooks-role.config.toml'))).toEqual([]);
  });

  it('flag the legacy golden: its thinking and yolo keys are ignored, openai_legacy fails every prompt', () => {
    const problems = KIMI_FILE_RULES['kimi-code'].config(golden('backend.config.toml'));
    expect(problems).toContainEqual({
      severity: 'warning',
      text: expect.stringMatching(/^unknown key default_thinking .*\[thinking\] enabled/),
    });
    expect(problems).toContainEqual({
      severity: 'warning',
      text: expect.stringMatching(/^unknown key default_yolo .*default_permission_mode/),
    });
    expect(problems).toContainEqual({
      severity: 'error',
      text: expect.stringMatching(/\.type must be one of kimi, openai,/),
    });
    // And the other way round: kimi-cli's rules do not know Kimi Code's keys.
    expect(KIMI_FILE_RULES['kimi-cli'].config(golden('backend.kimi-code.config.toml')).map((p) => p.text)).toContain(
      'unknown key thinking',
    );
  });

  it('report what Kimi Code drops: two credentials, a bad mode, a non-integer size, kimi-cli mcp.json entries', () => {
    const toml = [
      'default_model = "m"',
      'default_permission_mode = "afk"',
      '[providers.p]',
      'type = "openai"',
      'api_key = "k"',
      'api_key_env = "K"',
      '[models.m]',
      'provider = "p"',
      'model = "x"',
      'max_context_size = 0',
    ].join('\n');
    expect(checkKimiCodeConfig(toml)).toEqual([
      'default_permission_mode must be one of manual, yolo, auto',
      'providers."p" declares more than one credential (api_key, api_key_env)',
      'models."m".max_context_size must be an integer ≥ 1',
    ]);
    expect(checkKimiCodeConfig('default_model = [')[0]).toMatch(/^not valid TOML/);
    const mcp = {
      mcpServers: {
        a: { url: 'https://x.test', transport: 'streamable-http' },
        b: { url: 'https://x.test', auth: 'tok' },
        c: { command: 'x', type: 'stdio' },
      },
    };
    expect(checkKimiCodeMcpJson(JSON.stringify(mcp))).toEqual([
      'mcpServers."a".transport must be "http" or "sse"',
      'mcpServers."b".auth may only be "oauth" (a token goes in headers)',
      'unknown key mcpServers."c".type',
    ]);
  });
});
