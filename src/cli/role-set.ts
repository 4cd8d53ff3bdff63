/** `hero-team role set NAME [flags]`: change only the given fields of a role. */
import { upsertRole } from '../desired/store.ts';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { EXIT, out, type Command } from './io.ts';
import { parseRoleFlags, validateReferences } from './role-input.ts';
import { loadStoreFor, mutateStoreFor } from './store-access.ts';

/** Update a role; generation is bumped only when the spec really changes. */
export const roleSet: Command = async (args, io, config) => {
  const { name, fields } = parseRoleFlags(args);
  if (Object.keys(fields).length === 0) throw new InputError('flags', 'nothing to change: give at least one flag (see "hero-team help")');
  const current = await loadStoreFor(config);
  if (!current.roles.some((r) => r.name === name)) throw new RoleNotFoundError(name);
  await validateReferences(config, current, fields);
  let changed = false;
  let generation = 0;
  await mutateStoreFor(config, (data) => {
    const existing = data.roles.find((r) => r.name === name);
    if (!existing) throw new RoleNotFoundError(name);
    const r = upsertRole(data, { ...existing, ...fields });
    changed = r.changed;
    generation = r.role.generation;
    return r.data;
  });
  out(io, changed ? `role "${name}" updated (generation ${generation})` : `role "${name}" unchanged`);
  return EXIT.ok;
};
