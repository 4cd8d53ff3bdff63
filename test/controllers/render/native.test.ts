import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigToml } from '../../../src/controllers/render/config-toml.ts';
import { type KimiTarget, renderNative } from '../../../src/controllers/render/native.ts';
import { renderKimiCodeConfig } from '../../../src/controllers/render/targets/kimi-code-config.ts';
import { effectiveCatalog } from '../../../src/desired/catalog-defaults.ts';
import { builtinPresetsDir, listPresetNames, loadPreset, type Preset } from '../../../src/desired/presets.ts';
import { RoleSpecSchema } from '../../../src/desired/schema.ts';
import { expectGolden } from '../../helpers/golden.ts';
import { checkKimiCliAgent, checkKimiCodeAgent, checkKimiHooks } from '../../helpers/kimi-native-rules.ts';
import { checkKimiConfig } from '../../helpers/kimi-rules.ts';

const ROLE_DIR = '/home/u/.kimi/roles/review';
const BUILTINS = ['architect', 'executor', 'explore', 'reviewer', 'security', 'verifier'];
const GUARDS = ['## Instruction Hierarchy', '## AGENTS.md', '## Anti-Slop', '## Review Discipline'];
const roots = { user: '/nonexistent/presets' };

async function builtin(name: string): Promise<Preset> {
  return (await loadPreset(name, roots))!;
}

function filesOf(preset: Preset, target: KimiTarget, hooks: string[] = []) {
  const r = renderNative({ role: 'review', roleDir: ROLE_DIR, target, preset, hooks });
  return { files: new Map(r.files.map((f) => [f.path, f])), hooks: r.hooks };
}

const text = (f: { source: { kind: string; bytes?: Buffer } } | undefined) =>
  (f!.source as { bytes: Buffer }).bytes.toString('utf8');

describe('built-in presets', () => {
  it('are the six of the spec, each with the four guard sections in its own system.md', async () => {
    expect((await listPresetNames(roots)).map((p) => p.name)).toEqual(BUILTINS);
    for (const name of BUILTINS) {
      const md = readFileSync(join(builtinPresetsDir(), name, 'system.md'), 'utf8');
      for (const heading of GUARDS) expect(md.split('\n'), `${name}: ${heading}`).toContain(heading);
      expect(md).toContain(`# Role: ${name}`);
    }
  });

  it('allow the tools their role needs and no more', async () => {
    const names = async (n: string) => (await builtin(n)).tools.map((t) => t.cli);
    const writes = ['WriteFile', 'StrReplaceFile'];
    for (const n of ['reviewer', 'explore', 'security']) {
      expect(await names(n)).not.toContain('Shell');
      for (const w of [...writes, 'Agent']) expect(await names(n)).not.toContain(w);
    }
    expect(await names('verifier')).toContain('Shell');
    for (const w of [...writes, 'Agent']) expect(await names('verifier')).not.toContain(w);
    expect(await names('architect')).not.toContain('Shell');
    expect(await names('architect')).not.toContain('Agent');
    expect(await names('architect')).toContain('WriteFile');
    expect(await names('executor')).toHaveLength(17);
  });

  it.each(BUILTINS)('%s renders for kimi-cli as its loader accepts it (golden)', async (name) => {
    const { files } = filesOf(await builtin(name), 'kimi-cli');
    const yaml = text(files.get(`agents/${name}/agent.yaml`));
    const md = text(files.get(`agents/${name}/system.md`));
    expect(checkKimiCliAgent(yaml, md)).toEqual([]);
    expectGolden(`presets/kimi-cli.${name}.agent.yaml`, yaml);
    expectGolden(`presets/kimi-cli.${name}.system.md`, md);
    expect([...files.keys()].sort()).toEqual([`agents/${name}/agent.yaml`, `agents/${name}/system.md`]);
  });

  it.each(BUILTINS)('%s renders for Kimi Code as one agent file its parser accepts (golden)', async (name) => {
    const { files } = filesOf(await builtin(name), 'kimi-code');
    expect([...files.keys()]).toEqual([`agents/${name}.md`]);
    const md = text(files.get(`agents/${name}.md`));
    expect(checkKimiCodeAgent(md, name)).toEqual([]);
    expect(md).not.toMatch(/\b(Shell|ReadFile|WriteFile|StrReplaceFile|SetTodoList|SearchWeb)\b/);
    expectGolden(`presets/kimi-code.${name}.md`, md);
  });
});

describe('the rules catch what Kimi would reject', () => {
  it('flags a bad spec, an undefined prompt variable, an unanchored matcher and an out-of-range timeout', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template syntax is the input under test
    expect(
      checkKimiCliAgent(
        'version: 1.0\nagent: {extend: default, name: x, system_prompt_path: ./system.md, tools: [kimi_cli.tools.shell:Bash]}\n',
        'hi ${NOPE}',
      ),
    ).toEqual([
      'version: str(version) must be "1"',
      'unknown tool kimi_cli.tools.shell:Bash (InvalidToolError)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the checker's message quotes the variable
      'system.md: undefined variable ${NOPE} (StrictUndefined)',
    ]);
    expect(checkKimiCodeAgent('---\nname: x\ndescription: d\ntools: [Shell]\n---\nbody\n', 'x')).toEqual([
      'unknown Kimi Code tool Shell (matches nothing, silently)',
      'tools lacks Skill: the agent would get no skills',
    ]);
    const bad =
      '[[hooks]]\nevent = "PreToolUse"\ncommand = "x"\nmatcher = "Shell"\ntimeout = 601\n[[hooks]]\nevent = "Stop"\ncommand = "y"\nmatcher = "x"\ntimeout = 1\n';
    expect(checkKimiHooks(bad, 'kimi-cli')).toEqual([
      'hooks[0].matcher must be anchored (^…$): Kimi searches, so it would match substrings',
      'hooks[0].matcher matches more than the tool name',
      'hooks[0].timeout must be an integer in 1..600',
      'hooks[1]: a Stop matcher must match "" or the hook never fires',
    ]);
  });
});

describe('a role with hooks', () => {
  const role = RoleSpecSchema.parse({
    name: 'review',
    model: 'kimi-code/kimi-for-coding',
    hooks: ['safety-check', 'completion-check', 'notify'],
  });

  it.each(['kimi-cli', 'kimi-code'] as const)(
    'wires every hook with anchored matchers and bounded timeouts for %s',
    async (target) => {
      const { files, hooks } = filesOf(await builtin('executor'), target, role.hooks);
      for (const name of ['safety-check', 'completion-check', 'notify'])
        expect(files.get(`hooks/${name}`)!.mode).toBe(0o755);
      // Each target's own config.toml renderer (Kimi Code's hooks are strict: one extra field drops them all).
      const input = {
        role,
        catalog: effectiveCatalog({ providers: {}, models: {} }),
        roleDir: ROLE_DIR,
        secrets: {},
        hooks,
      };
      const toml =
        target === 'kimi-cli' ? renderConfigToml(input).text : renderKimiCodeConfig({ ...input, keys: 'env' }).text;
      expect(checkKimiHooks(toml, target)).toEqual([]);
      expect(hooks.find((h) => h.event === 'PreToolUse')!.matcher).toBe(target === 'kimi-cli' ? '^Shell$' : '^Bash$');
      expect(hooks.map((h) => h.event)).toEqual(['PreToolUse', 'Stop', 'Notification', 'Stop']);
      if (target === 'kimi-cli') expect(checkKimiConfig(toml)).toEqual([]);
      expectGolden(target === 'kimi-cli' ? 'hooks-role.config.toml' : 'hooks-role.kimi-code.config.toml', toml);
    },
  );

  it('quotes a role directory with spaces so /bin/sh -c runs the script as one word', async () => {
    const r = renderNative({ role: 'review', roleDir: "/home/u/my roles/it's", target: 'kimi-cli', hooks: ['notify'] });
    expect(r.hooks[0]!.command).toBe(`'/home/u/my roles/it'\\''s/hooks/notify' review`);
  });
});
