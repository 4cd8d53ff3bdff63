/** `hero-team role add NAME --model M [...]`: declare a new role. */
import { DEFAULT_MODEL } from '../desired/catalog-defaults.ts';
import { upsertRole } from '../desired/store.ts';
import { InputError } from '../errors.ts';
import { EXIT, out, type Command } from './io.ts';
import { parseRoleFlags, validateReferences } from './role-input.ts';
import { launchLine, loadStoreFor, mutateStoreFor } from './store-access.ts';

/** Create a role; refuses an existing name (use `role set`). */
export const roleAdd: Command = async (args, io, config) => {
  const { name, fields } = parseRoleFlags(args);
  const current = await loadStoreFor(config);
  if (current.roles.some((r) => r.name === name)) throw new InputError('NAME', `role "${name}" already exists; use "hero-team role set ${name} ..." to change it`);
  const spec = { model: DEFAULT_MODEL, ...fields, name };
  await validateReferences(config, current, spec);
  await mutateStoreFor(config, (data) => {
    if (data.roles.some((r) => r.name === name)) throw new InputError('NAME', `role "${name}" already exists`);
    return upsertRole(data, spec).data;
  });
  out(io, `role "${name}" added (model ${spec.model}, ${spec.skills?.length ?? 0} skill(s))`);
  out(io, `launch: ${launchLine(config.paths.rolesDir, name)}`);
  out(io, `converge now with "hero-team sync ${name}", or keep "hero-team serve" running`);
  return EXIT.ok;
};
