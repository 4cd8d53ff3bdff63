/** Flags of `role add` / `role set` and their validation against the catalog, the registry and services.json. */
import { type Config, statePaths } from '../config.ts';
import { catalogModel, effectiveCatalog } from '../desired/catalog-defaults.ts';
import { HOOK_NAMES, type HookName, isHookName } from '../desired/hook-catalog.ts';
import { loadPreset, type Preset } from '../desired/presets.ts';
import { PRESET_NAME_RE, ROLE_NAME_RE, type RoleSpec, SKILL_NAME_RE, type StoreData } from '../desired/schema.ts';
import { errorMessage, InputError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { scanSkill } from '../observed/registry.ts';
import { readServices } from '../observed/services.ts';
import { parsePositiveInt, splitList } from './args.ts';
import type { FlagValues, OptionSpecs } from './command.ts';

/** Flag definitions shared by `role add` and `role set`. */
export const ROLE_FLAGS = {
  model: {
    type: 'string',
    value: 'M',
    description:
      'model alias from the catalog ("hero-team model list"); role add defaults to kimi-code/kimi-for-coding',
  },
  skills: {
    type: 'string',
    value: 'LIST',
    description: 'registry skills, comma-separated: "a,b" replaces the whitelist, "+a,-b" adds a and removes b',
  },
  'add-skills': { type: 'string', value: 'LIST', description: 'skills to add to the whitelist' },
  'remove-skills': { type: 'string', value: 'LIST', description: 'skills to remove from the whitelist' },
  mcp: {
    type: 'string',
    value: 'LIST',
    description: 'MCP services from services.json ("*" = all); "+x,-y" edits the list',
  },
  thinking: { type: 'boolean', negatable: true, description: 'thinking on by default (default: on)' },
  yolo: { type: 'boolean', negatable: true, description: 'auto-approve tool calls (default: off)' },
  context: {
    type: 'string',
    value: 'N',
    description: "max context size in tokens, 1 up to the model's own (default: the model's)",
  },
  description: { type: 'string', value: 'TEXT', description: 'free text shown by role show' },
  drift: {
    type: 'string',
    value: 'revert|report',
    description: 'hand edits: revert (back up and restore, default) or report (leave and flag)',
  },
  preset: {
    type: 'string',
    value: 'P',
    description:
      'agent preset ("hero-team preset list"): its agent spec, prompt and, on role add, its defaults; "none" removes it',
  },
  hooks: {
    type: 'string',
    value: 'LIST',
    description: `built-in hooks, comma-separated: ${HOOK_NAMES.join(', ')}; "none" removes them`,
  },
} as const satisfies OptionSpecs;

/** A list flag as given: a full replacement, or additions and removals to an existing list. */
export interface ListEdit {
  replace?: string[];
  add: string[];
  remove: string[];
}

/** The fields given on the command line, with list edits still to be applied to the current role. */
export interface RoleInput {
  name: string;
  fields: Partial<RoleSpec>;
  skills?: ListEdit;
  mcp?: ListEdit;
}

/** The role name (first positional) and the fields given on the command line. */
export function parseRoleInput(values: FlagValues<typeof ROLE_FLAGS>, positionals: string[]): RoleInput {
  const name = positionals[0]!;
  if (!ROLE_NAME_RE.test(name))
    throw new InputError(
      'NAME',
      `invalid role name "${name}": use lowercase letters, digits, "-" and "_" (^[a-z0-9][a-z0-9_-]{0,62}$)`,
    );
  if (values.drift !== undefined && values.drift !== 'revert' && values.drift !== 'report')
    throw new InputError('drift', `--drift must be "revert" or "report", got "${values.drift}"`);
  const fields: Partial<RoleSpec> = {};
  if (values.model !== undefined) fields.model = values.model;
  if (values.thinking !== undefined) fields.thinking = values.thinking;
  if (values.yolo !== undefined) fields.yolo = values.yolo;
  if (values.context !== undefined) fields.maxContextSize = parsePositiveInt('context', values.context);
  if (values.description !== undefined) fields.description = values.description;
  if (values.drift !== undefined) fields.driftPolicy = values.drift as 'revert' | 'report';
  if (values.preset !== undefined) fields.preset = parsePresetFlag(values.preset);
  if (values.hooks !== undefined) fields.hooks = parseHooksFlag(values.hooks);
  const skills = listEdit('skills', values.skills, values['add-skills'], values['remove-skills']);
  const mcp = listEdit('mcp', values.mcp, undefined, undefined);
  for (const s of [...(skills?.replace ?? []), ...(skills?.add ?? []), ...(skills?.remove ?? [])]) {
    if (!SKILL_NAME_RE.test(s))
      throw new InputError('skills', `invalid skill name "${s}": use lowercase letters, digits, "-" and "_"`);
  }
  return { name, fields, ...(skills ? { skills } : {}), ...(mcp ? { mcp } : {}) };
}

/** `--preset NAME`; `none` (or empty) removes the preset. */
function parsePresetFlag(value: string): string | undefined {
  if (value === '' || value === 'none') return undefined;
  if (!PRESET_NAME_RE.test(value))
    throw new InputError(
      'preset',
      `invalid preset name "${value}": kebab-case (^[a-z0-9]+(-[a-z0-9]+)*$); see "hero-team preset list"`,
    );
  return value;
}

/** `--hooks a,b`; `none` (or empty) removes every hook. */
function parseHooksFlag(value: string): HookName[] {
  const names = value === 'none' ? [] : splitList(value)!;
  const bad = names.filter((n) => !isHookName(n));
  if (bad.length)
    throw new InputError(
      'hooks',
      `unknown hook(s) ${bad.map((n) => `"${n}"`).join(', ')}; built-in hooks: ${HOOK_NAMES.join(', ')}`,
    );
  return [...new Set(names)] as HookName[];
}

/** The preset a role is created from or switched to, checked (InputError naming the problem); undefined when none is named. */
export async function presetFor(config: Config, name: string | undefined): Promise<Preset | undefined> {
  if (name === undefined) return undefined;
  let preset: Preset | undefined;
  try {
    preset = await loadPreset(name, { user: statePaths(config.paths.home).presets });
  } catch (err) {
    throw new InputError('preset', errorMessage(err));
  }
  if (!preset) throw new InputError('preset', `unknown preset "${name}"; see "hero-team preset list"`);
  return preset;
}

/** Parse `a,b` (replace) or `+a,-b` (edit), plus the --add-/--remove- forms; mixing both styles is refused. */
export function listEdit(
  flag: string,
  list: string | undefined,
  add: string | undefined,
  remove: string | undefined,
): ListEdit | undefined {
  if (list === undefined && add === undefined && remove === undefined) return undefined;
  const edit: ListEdit = { add: splitList(add) ?? [], remove: splitList(remove) ?? [] };
  const items = splitList(list);
  if (items) {
    const signed = items.filter((i) => i.startsWith('+') || i.startsWith('-'));
    if (signed.length && signed.length !== items.length)
      throw new InputError(flag, `--${flag} takes either a full list (a,b) or edits (+a,-b), not both: got "${list}"`);
    if (!signed.length) {
      if (add !== undefined || remove !== undefined)
        throw new InputError(
          flag,
          `--${flag} with a full list replaces the whitelist: do not combine it with --add-${flag} or --remove-${flag}`,
        );
      edit.replace = items;
    }
    for (const i of signed) (i.startsWith('+') ? edit.add : edit.remove).push(i.slice(1).trim());
  }
  const both = edit.add.filter((i) => edit.remove.includes(i));
  if (both.length)
    throw new InputError(flag, `--${flag}: ${both.map((b) => `"${b}"`).join(', ')} both added and removed`);
  return edit;
}

/** The list after an edit: a replacement, or the current list plus additions minus removals; duplicates collapsed. */
export function applyListEdit(current: readonly string[], edit: ListEdit): string[] {
  const base = edit.replace ?? current;
  return [...new Set([...base, ...edit.add])].filter((i) => !edit.remove.includes(i));
}

/** The spec fields of an input against a role's current state (empty for a new role). */
export function resolveFields(input: RoleInput, current?: Pick<RoleSpec, 'skills' | 'mcp'>): Partial<RoleSpec> {
  const fields = { ...input.fields };
  if (input.skills) fields.skills = applyListEdit(current?.skills ?? [], input.skills);
  if (input.mcp) fields.mcp = applyListEdit(current?.mcp ?? [], input.mcp);
  return fields;
}

/** Check that the model, context, skills and MCP services a spec names exist; throws InputError naming the first problem. */
export async function validateReferences(
  config: Config,
  store: StoreData,
  fields: Partial<RoleSpec>,
  modelInForce?: string,
): Promise<void> {
  const catalog = effectiveCatalog(store.catalog);
  if (fields.model !== undefined && !catalogModel(catalog, fields.model)) {
    throw new InputError(
      'model',
      `unknown model "${fields.model}"; known models: ${Object.keys(catalog.models).sort().join(', ')}`,
    );
  }
  const model = catalogModel(catalog, fields.model ?? modelInForce ?? '');
  if (fields.maxContextSize !== undefined && model && fields.maxContextSize > model.maxContextSize) {
    throw new InputError(
      'context',
      `--context ${fields.maxContextSize} exceeds the model's context of ${model.maxContextSize} tokens (${fields.model ?? modelInForce})`,
    );
  }
  const cache = new DigestCache();
  for (const skill of fields.skills ?? []) {
    const scan = await scanSkill(config.paths.skillsDir, skill, cache);
    if (scan.invalid)
      throw new InputError('skills', `skill "${skill}" is invalid in the registry: ${scan.invalid.reason}`);
    if (!scan.skill)
      throw new InputError(
        'skills',
        `unknown skill "${skill}": not found in ${config.paths.skillsDir} (see "hero-team skill list"; "hero-team init --example-skills" installs examples)`,
      );
  }
  const mcp = (fields.mcp ?? []).filter((s) => s !== '*');
  if (mcp.length) {
    const { services } = await readServices(statePaths(config.paths.home).services);
    const unknown = mcp.filter((s) => !Object.hasOwn(services, s));
    if (unknown.length)
      throw new InputError(
        'mcp',
        `unknown MCP service(s) ${unknown.map((s) => `"${s}"`).join(', ')}; services.json lists: ${Object.keys(services).sort().join(', ') || '(none)'}`,
      );
  }
}
