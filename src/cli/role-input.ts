/**
 * Flags of `role add` / `role set`: the role name and spec fields they give, with list edits resolved against the
 * current role. The entry point; beside it role-flags.ts (the flag definitions), list-edit.ts (`a,b` and `+a,-b`)
 * and role-references.ts (the preset, model, skills and services a role names, looked up).
 */
import { HOOK_NAMES, type HookName, isHookName } from '../desired/hook-catalog.ts';
import { PRESET_NAME_RE, ROLE_NAME_RE, type RoleSpec, SKILL_NAME_RE } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { parsePositiveInt, splitList } from './args.ts';
import type { FlagValues } from './command.ts';
import { applyListEdit, type ListEdit, listEdit } from './list-edit.ts';
import type { ROLE_FLAGS } from './role-flags.ts';

export { applyListEdit, type ListEdit, listEdit } from './list-edit.ts';
export { ROLE_FLAGS } from './role-flags.ts';
export { presetFor, validateReferences } from './role-references.ts';

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

/** The spec fields of an input against a role's current state (empty for a new role). */
export function resolveFields(input: RoleInput, current?: Pick<RoleSpec, 'skills' | 'mcp'>): Partial<RoleSpec> {
  const fields = { ...input.fields };
  if (input.skills) fields.skills = applyListEdit(current?.skills ?? [], input.skills);
  if (input.mcp) fields.mcp = applyListEdit(current?.mcp ?? [], input.mcp);
  return fields;
}
