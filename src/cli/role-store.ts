/**
 * The one place role commands change the store: add, set and remove a role. Today it writes store.json under its
 * lock (the daemon picks the change up by watching the file); routing through the daemon's API when it runs
 * replaces these three functions only.
 */
import type { Config } from '../config.ts';
import { removeRole, upsertRole } from '../desired/store.ts';
import type { RoleSpec } from '../desired/schema.ts';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { presetFor, resolveFields, validateReferences, type RoleInput } from './role-input.ts';
import { loadStoreFor, mutateStoreFor } from './store-access.ts';
import { DEFAULT_MODEL } from '../desired/catalog-defaults.ts';

/** What a role change did. */
export interface RoleChange {
  role: RoleSpec;
  changed: boolean;
}

/** Create a role; refuses an existing name. Everything is validated before the store is written. */
export async function addRole(config: Config, input: RoleInput): Promise<RoleChange> {
  const current = await loadStoreFor(config);
  if (current.roles.some((r) => r.name === input.name)) throw new InputError('NAME', `role "${input.name}" already exists; use "hero-team role set ${input.name} ..." to change it`);
  // A preset brings defaults; the flags given win over them.
  const preset = await presetFor(config, input.fields.preset);
  const { hooks, ...presetDefaults } = preset?.defaults ?? {};
  const spec = { model: DEFAULT_MODEL, ...presetDefaults, ...(hooks?.length ? { hooks } : {}), ...resolveFields(input), name: input.name };
  await validateReferences(config, current, spec);
  let change: RoleChange | undefined;
  await mutateStoreFor(config, (data) => {
    if (data.roles.some((r) => r.name === input.name)) throw new InputError('NAME', `role "${input.name}" already exists`);
    const r = upsertRole(data, spec);
    change = { role: r.role, changed: true };
    return r.data;
  });
  return change!;
}

/** Change the given fields of a role; list edits apply to the role as it is under the lock. */
export async function setRole(config: Config, input: RoleInput): Promise<RoleChange> {
  const current = await loadStoreFor(config);
  const before = current.roles.find((r) => r.name === input.name);
  if (!before) throw new RoleNotFoundError(input.name);
  const fields = resolveFields(input, before);
  // Only what the command introduces is checked: a skill already whitelisted may be missing from the registry today.
  const added = { ...fields, skills: fields.skills?.filter((s) => !before.skills.includes(s)), mcp: fields.mcp?.filter((s) => !before.mcp.includes(s)) };
  // A new model must still hold the role's context override.
  if (fields.model !== undefined && fields.maxContextSize === undefined && before.maxContextSize !== undefined) added.maxContextSize = before.maxContextSize;
  await validateReferences(config, current, added, before.model);
  await presetFor(config, fields.preset);
  let change: RoleChange | undefined;
  await mutateStoreFor(config, (data) => {
    const existing = data.roles.find((r) => r.name === input.name);
    if (!existing) throw new RoleNotFoundError(input.name);
    const r = upsertRole(data, { ...existing, ...resolveFields(input, existing) });
    change = { role: r.role, changed: r.changed };
    return r.changed ? r.data : undefined;
  });
  return change!;
}

/** Remove a role from the desired state. */
export async function deleteRoleSpec(config: Config, name: string): Promise<void> {
  await mutateStoreFor(config, (data) => removeRole(data, name));
}
