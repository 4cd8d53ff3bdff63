/** `hero-team role rm NAME`: remove a role; its generated files go away at the next reconcile. */
import { removeRole } from '../desired/store.ts';
import { InputError } from '../errors.ts';
import { EXIT, out, type Command } from './io.ts';
import { parseFlags } from './args.ts';
import { mutateStoreFor } from './store-access.ts';

/** Delete a role from the desired state. */
export const roleRm: Command = async (args, io, config) => {
  const { positionals } = parseFlags(args, {});
  if (positionals.length !== 1) throw new InputError('NAME', 'usage: hero-team role rm NAME');
  const name = positionals[0]!;
  await mutateStoreFor(config, (data) => removeRole(data, name));
  out(io, `role "${name}" removed; its generated files are deleted at the next sync (files you added are kept)`);
  return EXIT.ok;
};
