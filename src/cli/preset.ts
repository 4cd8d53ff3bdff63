/** `hero-team preset list | show NAME`: the agent presets a role can use (built-ins and HERO_TEAM_HOME/presets). */
import { statePaths } from '../config.ts';
import { HOOK_DESCRIPTIONS } from '../desired/hook-catalog.ts';
import { listPresetNames, loadPreset, type Preset } from '../desired/presets.ts';
import { errorMessage, InputError } from '../errors.ts';
import { defineCommand } from './command.ts';
import { type CliIo, EXIT, out } from './io.ts';

const JSON_FLAG = { json: { type: 'boolean', description: 'print as JSON' } } as const;

/** List presets; an invalid user preset is listed with its error (exit 1), the others still are. */
export const presetList = defineCommand({
  name: 'preset list',
  summary: 'agent presets: the built-ins and those in $HERO_TEAM_HOME/presets/<name>/',
  usage: '[--json]',
  description:
    'A user preset (agent.yaml, system.md, preset.json) replaces the built-in of the same name or adds one.\nAn invalid one is listed with its error and the exit code is 1.',
  options: JSON_FLAG,
  examples: ['preset list'],
  run: async ({ values, io, config }) => {
    const roots = { user: statePaths(config.paths.home).presets };
    const rows: {
      name: string;
      source: string;
      description?: string;
      tools?: string[];
      hooks?: string[];
      error?: string;
    }[] = [];
    for (const { name, source } of await listPresetNames(roots)) {
      try {
        const p = (await loadPreset(name, roots))!;
        rows.push({
          name,
          source,
          description: p.description,
          tools: p.tools.map((t) => t.cli),
          hooks: p.defaults.hooks ?? [],
        });
      } catch (err) {
        rows.push({ name, source, error: errorMessage(err) });
      }
    }
    if (values.json) out(io, JSON.stringify(rows, null, 2));
    else {
      const width = Math.max(4, ...rows.map((r) => r.name.length));
      for (const r of rows)
        out(io, `${r.name.padEnd(width)}  ${r.source.padEnd(7)}  ${r.error ? `INVALID: ${r.error}` : r.description}`);
      out(
        io,
        `\nuser presets: ${roots.user}/<name>/ (agent.yaml, system.md, preset.json) replace or add to the built-ins`,
      );
    }
    return rows.some((r) => r.error) ? EXIT.failed : EXIT.ok;
  },
});

/** Show one preset: where it comes from, its tools under each target, its defaults and its prompt. */
export const presetShow = defineCommand({
  name: 'preset show',
  summary: 'one preset: where it comes from, its tools under each Kimi target, its defaults and its prompt',
  usage: 'NAME [--json]',
  options: JSON_FLAG,
  positionals: { min: 1, max: 1 },
  examples: ['preset show reviewer'],
  run: async ({ values, positionals, io, config }) => {
    const name = positionals[0]!;
    const preset = await loadPreset(name, { user: statePaths(config.paths.home).presets }).catch((err) => {
      throw new InputError('preset', errorMessage(err));
    });
    if (!preset) throw new InputError('preset', `unknown preset "${name}"; see "hero-team preset list"`);
    if (values.json) {
      out(
        io,
        JSON.stringify({ ...preset, tools: preset.tools.map((t) => ({ kimiCli: t.cli, kimiCode: t.code })) }, null, 2),
      );
      return EXIT.ok;
    }
    printPreset(io, preset);
    return EXIT.ok;
  },
});

function printPreset(io: CliIo, p: Preset): void {
  const d = p.defaults;
  out(io, `name:        ${p.name} (${p.source}: ${p.dir})`);
  out(io, `description: ${p.description}`);
  if (p.whenToUse) out(io, `when to use: ${p.whenToUse}`);
  out(io, `tools:       ${p.tools.map((t) => t.cli).join(', ')}`);
  out(io, `  kimi-code: ${[...p.tools.map((t) => t.code), 'Skill'].join(', ')}`);
  out(
    io,
    `defaults:    model ${d.model ?? '(catalog default)'}, thinking ${d.thinking ?? '(role default)'}, skills ${d.skills?.join(', ') || '-'}`,
  );
  out(io, `hooks:       ${d.hooks?.length ? d.hooks.map((h) => `${h} (${HOOK_DESCRIPTIONS[h]})`).join('; ') : '-'}`);
  out(io, '\n--- system.md ---');
  out(io, p.prompt);
}
