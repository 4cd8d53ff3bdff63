/** The launch line per target (role show, hero-team run) and the keys hero-team run adds. */
import { describe, expect, it } from 'vitest';
import { formatLaunchLine, launchCommand, launchKeyEnv } from '../../../src/controllers/render/targets/launch.ts';
import { kimiTarget } from '../../../src/controllers/render/targets/target.ts';
import { effectiveCatalog } from '../../../src/desired/catalog-defaults.ts';
import { RoleSpecSchema } from '../../../src/desired/schema.ts';

describe('launch line', () => {
  it('Kimi Code: the role directory is KIMI_CODE_HOME, model overrides removed, absolute paths', () => {
    expect(formatLaunchLine(launchCommand('kimi-code', '/r/dev'))).toBe(
      'env -u KIMI_MODEL_NAME -u KIMI_MODEL_API_KEY KIMI_CODE_HOME=/r/dev KIMI_CODE_NO_AUTO_UPDATE=1 kimi --skills-dir /r/dev/skills',
    );
    expect(
      formatLaunchLine(
        kimiTarget('kimi-code').launch('/r/dev', { agentFile: kimiTarget('kimi-code').agentFile('reviewer') }),
      ),
    ).toMatch(/ kimi --skills-dir \/r\/dev\/skills --agent-file \/r\/dev\/agents\/reviewer\.md$/);
  });

  it('kimi-cli: the files by flag, as before', () => {
    expect(formatLaunchLine(launchCommand('kimi-cli', '/r/dev'))).toBe(
      'kimi --config-file /r/dev/config.toml --mcp-config-file /r/dev/mcp.json --skills-dir /r/dev/skills',
    );
    expect(kimiTarget('kimi-cli').agentFile('reviewer')).toBe('agents/reviewer/agent.yaml');
  });

  it('quotes paths the shell would split', () => {
    expect(formatLaunchLine(launchCommand('kimi-code', "/home/a b/it's"))).toContain(
      `KIMI_CODE_HOME='/home/a b/it'\\''s'`,
    );
  });

  it('passes the known keys, and the Kimi key to the search and fetch services, only for named keys', () => {
    const role = RoleSpecSchema.parse({ name: 'dev', model: 'groq/kimi-k2-instruct' });
    const catalog = effectiveCatalog({ providers: {}, models: {} });
    const secrets = { KIMI_API_KEY: 'k', GROQ_API_KEY: 'g' };
    expect(launchKeyEnv('env', role, catalog, secrets)).toEqual({
      KIMI_API_KEY: 'k',
      GROQ_API_KEY: 'g',
      KIMI_WEB_SEARCH_API_KEY: 'k',
      KIMI_WEB_FETCH_API_KEY: 'k',
    });
    expect(launchKeyEnv('config', role, catalog, secrets)).toEqual({});
  });

  it('spells tools the way each target does', () => {
    expect(kimiTarget('kimi-code').toolName('shell')).toBe('Bash');
    expect(kimiTarget('kimi-cli').toolName('shell')).toBe('Shell');
    expect(kimiTarget('kimi-code').toolName('skill')).toBe('Skill');
    expect(kimiTarget('kimi-cli').toolName('skill')).toBeUndefined();
  });

  it("lists each target's hook events: Kimi Code has 20, kimi-cli 13", () => {
    expect(kimiTarget('kimi-code').hookEvents).toHaveLength(20);
    expect(kimiTarget('kimi-cli').hookEvents).toHaveLength(13);
    expect(kimiTarget('kimi-cli').hookEvents).not.toContain('PermissionRequest');
  });
});
