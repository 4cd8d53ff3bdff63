/**
 * Agent presets: a directory with `agent.yaml` (the tool allowlist, kimi-cli agent-spec format), `system.md`
 * (the role's prompt) and an optional `preset.json` (defaults a role takes when created from the preset).
 * Built-ins live in the package's assets/presets; a user preset in HERO_TEAM_HOME/presets/<name>/ of the
 * same name replaces the built-in, a new name adds one.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage, InputError, PresetError } from '../errors.ts';
import { parseAgentSpec } from './agent-spec.ts';
import type { AgentTool } from './agent-tools.ts';
import { assetsDir } from './assets.ts';
import { HOOK_NAMES, type HookName } from './hook-catalog.ts';
import { PRESET_NAME_RE, SKILL_NAME_RE } from './schema.ts';

/** preset.json: what a role created from the preset gets unless its flags say otherwise. */
export const PresetDefaultsSchema = z.strictObject({
  description: z.string().min(1).max(1024).optional(),
  model: z.string().min(1).optional(),
  thinking: z.boolean().optional(),
  skills: z.array(z.string().regex(SKILL_NAME_RE)).optional(),
  hooks: z.array(z.enum(HOOK_NAMES)).optional(),
});
export type PresetDefaults = z.output<typeof PresetDefaultsSchema>;

/** A loaded, checked preset. */
export interface Preset {
  name: string;
  source: 'builtin' | 'user';
  dir: string;
  description: string;
  whenToUse?: string;
  tools: AgentTool[];
  /** The role prompt (system.md, trimmed), free of template syntax: each target adds its own context block. */
  prompt: string;
  defaults: Omit<PresetDefaults, 'description'> & { hooks?: HookName[] };
}

/** Where presets are read from. */
export interface PresetRoots {
  /** HERO_TEAM_HOME/presets. */
  user: string;
  /** Built-ins (the package's assets/presets unless a test says otherwise). */
  builtin?: string;
}

/** The built-in presets' directory. */
export function builtinPresetsDir(): string {
  return join(assetsDir(), 'presets');
}

/** Load preset `name` (user first, then built-in); undefined when neither has it, PresetError when invalid. */
export async function loadPreset(name: string, roots: PresetRoots): Promise<Preset | undefined> {
  if (!PRESET_NAME_RE.test(name))
    throw new PresetError(name, name, 'invalid preset name: use lowercase letters, digits and single "-" (kebab-case)');
  for (const [source, root] of [
    ['user', roots.user],
    ['builtin', roots.builtin ?? builtinPresetsDir()],
  ] as const) {
    const dir = join(root, name);
    const agentText = await readOptional(join(dir, 'agent.yaml'));
    if (agentText === undefined && !(await isDir(dir))) continue;
    return parsePreset(name, source, dir, agentText);
  }
  return undefined;
}

/**
 * The preset a role is created from or switched to, checked: InputError (field `preset`) naming the preset when
 * no root has it or it is invalid. The one check `role add|set --preset` and the API's role_upsert share.
 */
export async function requirePreset(name: string, roots: PresetRoots): Promise<Preset> {
  let preset: Preset | undefined;
  try {
    preset = await loadPreset(name, roots);
  } catch (err) {
    throw new InputError('preset', errorMessage(err));
  }
  if (!preset) throw new InputError('preset', `unknown preset "${name}"; see "hero-team preset list"`);
  return preset;
}

/** Every preset name, with where it comes from (a user preset shadows the built-in of the same name). */
export async function listPresetNames(roots: PresetRoots): Promise<{ name: string; source: 'builtin' | 'user' }[]> {
  const names = new Map<string, 'builtin' | 'user'>();
  for (const name of await subdirs(roots.builtin ?? builtinPresetsDir())) names.set(name, 'builtin');
  for (const name of await subdirs(roots.user)) if (PRESET_NAME_RE.test(name)) names.set(name, 'user');
  return [...names].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, source]) => ({ name, source }));
}

async function parsePreset(
  name: string,
  source: Preset['source'],
  dir: string,
  agentText: string | undefined,
): Promise<Preset> {
  const fail = (file: string, detail: string) => new PresetError(name, join(dir, file), detail);
  if (agentText === undefined) throw fail('agent.yaml', 'missing');
  const spec = parseAgentSpec(agentText);
  if ('error' in spec) throw fail('agent.yaml', spec.error);
  const prompt = (await readOptional(join(dir, 'system.md')))?.trim();
  if (!prompt) throw fail('system.md', 'missing or empty');
  // kimi-cli renders system.md with Jinja (`${…}`, `{% %}`, `{# #}`), Kimi Code substitutes `${…}`: a preset
  // prompt stays plain text and each target's renderer adds the variables it knows.
  const template = /\$\{|\{%|\{#/.exec(prompt);
  if (template)
    throw fail(
      'system.md',
      `template syntax "${template[0]}" at line ${prompt.slice(0, template.index).split('\n').length}; write plain text (the project context is added per target)`,
    );
  const json = await readOptional(join(dir, 'preset.json'));
  let defaults: PresetDefaults = {};
  if (json !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw fail('preset.json', `not valid JSON: ${(err as Error).message}`);
    }
    const parsed = PresetDefaultsSchema.safeParse(raw);
    if (!parsed.success) throw fail('preset.json', z.prettifyError(parsed.error).replace(/\n/g, '; '));
    defaults = parsed.data;
  }
  const { description, ...rest } = defaults;
  const text = description ?? spec.whenToUse ?? `hero_team preset ${name}`;
  return { name, source, dir, description: text, whenToUse: spec.whenToUse, tools: spec.tools, prompt, defaults: rest };
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return undefined;
    throw err;
  }
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function subdirs(root: string): Promise<string[]> {
  try {
    return (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
