import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PresetResolver } from '../../src/desired/preset-resolver.ts';
import { builtinPresetsDir, listPresetNames, loadPreset } from '../../src/desired/presets.ts';
import { InvalidSpecError, PresetError } from '../../src/errors.ts';
import { put } from '../helpers/tree.ts';

const AGENT = (tools: string) =>
  `version: 1\nagent:\n  extend: default\n  name: docs\n  system_prompt_path: ./system.md\n  tools: [${tools}]\n`;

let user: string;
beforeEach(() => {
  user = join(mkdtempSync(join(tmpdir(), 'ht-presets-')), 'presets');
});
afterEach(() => rmSync(join(user, '..'), { recursive: true, force: true }));

function userPreset(name: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) put(join(user, name, file), text);
}

describe('user presets', () => {
  it('add a new preset and replace a built-in of the same name', async () => {
    userPreset('docs', {
      'agent.yaml': AGENT('kimi_cli.tools.file:ReadFile'),
      'system.md': 'Write docs.\n',
      'preset.json': '{"description":"docs writer","thinking":false,"hooks":["notify"]}',
    });
    cpSync(join(builtinPresetsDir(), 'reviewer'), join(user, 'reviewer'), { recursive: true });
    put(join(user, 'reviewer', 'system.md'), 'My own reviewer.\n');
    expect(await listPresetNames({ user })).toContainEqual({ name: 'docs', source: 'user' });
    expect(await listPresetNames({ user })).toContainEqual({ name: 'reviewer', source: 'user' });
    const docs = (await loadPreset('docs', { user }))!;
    expect(docs).toMatchObject({
      source: 'user',
      description: 'docs writer',
      prompt: 'Write docs.',
      defaults: { thinking: false, hooks: ['notify'] },
    });
    expect(docs.tools.map((t) => [t.cli, t.code])).toEqual([['ReadFile', 'Read']]);
    expect((await loadPreset('reviewer', { user }))!.prompt).toBe('My own reviewer.');
    expect((await loadPreset('executor', { user }))!.source).toBe('builtin');
    expect(await loadPreset('nope', { user })).toBeUndefined();
  });

  it.each([
    [
      'version 1.0 (Kimi compares str(version) with "1")',
      AGENT('kimi_cli.tools.file:ReadFile').replace('version: 1', 'version: 1.0'),
      'Hi.',
      /version must be 1/,
    ],
    ['an unknown tool path', AGENT('kimi_cli.tools.shell:Bash'), 'Hi.', /unknown tool "kimi_cli.tools.shell:Bash"/],
    [
      'a typo in a key',
      AGENT('kimi_cli.tools.file:ReadFile').replace('tools:', 'tool:'),
      'Hi.',
      /unknown key\(s\) under agent: tool/,
    ],
    ['broken YAML', 'version: 1\nagent: [\n', 'Hi.', /not valid YAML at line/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template syntax is the input under test
    [
      'a Jinja variable in system.md',
      AGENT('kimi_cli.tools.file:ReadFile'),
      'Line one.\nUse ${KIMI_WORK_DIR}.',
      /template syntax "\$\{" at line 2/,
    ],
    ['an empty system.md', AGENT('kimi_cli.tools.file:ReadFile'), '  \n', /system.md: missing or empty/],
    [
      'every tool excluded',
      AGENT('kimi_cli.tools.file:ReadFile') + '  exclude_tools: [kimi_cli.tools.file:ReadFile]\n',
      'Hi.',
      /no tools left/,
    ],
  ])('rejects %s with an error naming the file', async (_what, agent, system, message) => {
    userPreset('docs', { 'agent.yaml': agent, 'system.md': system });
    const err = await loadPreset('docs', { user }).catch((e) => e);
    expect(err).toBeInstanceOf(PresetError);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(join(user, 'docs'));
  });

  it('rejects an unknown hook or key in preset.json', async () => {
    userPreset('docs', {
      'agent.yaml': AGENT('kimi_cli.tools.file:ReadFile'),
      'system.md': 'Hi.',
      'preset.json': '{"hooks":["rm-guard"],"colour":1}',
    });
    await expect(loadPreset('docs', { user })).rejects.toThrow(/preset.json: .*(hooks|colour)/);
  });

  it("inherits the default agent's 17 tools when the spec lists none, minus exclude_tools", async () => {
    userPreset('docs', {
      'agent.yaml':
        'version: "1"\nagent:\n  extend: default\n  name: docs\n  system_prompt_path: system.md\n  exclude_tools: [kimi_cli.tools.shell:Shell]\n',
      'system.md': 'Hi.',
    });
    const tools = (await loadPreset('docs', { user }))!.tools.map((t) => t.cli);
    expect(tools).toHaveLength(16);
    expect(tools).not.toContain('Shell');
  });

  it('a missing or invalid preset stalls the role (InvalidSpecError), and an unchanged one keeps its object', async () => {
    const resolver = new PresetResolver({ user });
    await expect(resolver.resolve('r', 'nope')).rejects.toBeInstanceOf(InvalidSpecError);
    userPreset('docs', { 'agent.yaml': 'version: 2\n', 'system.md': 'Hi.' });
    await expect(resolver.resolve('r', 'docs')).rejects.toThrow(/role "r": preset "docs".*version must be 1/);
    const a = await resolver.resolve('r', 'reviewer');
    expect(await resolver.resolve('r', 'reviewer')).toBe(a);
  });
});
