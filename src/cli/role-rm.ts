/** `hero-team role rm NAME`: remove a role; its generated files go away at the next reconcile. */
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { deleteRoleSpec } from './role-store.ts';

/** Delete a role from the desired state. */
export const roleRm = defineCommand({
  name: 'role rm',
  summary: 'remove a role; its generated files go at the next sync, files you added stay',
  usage: 'NAME',
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ['role rm backend'],
  async run({ positionals, io, config }) {
    const name = positionals[0]!;
    const { viaDaemon } = await deleteRoleSpec(config, name);
    out(
      io,
      `role "${name}" removed; its generated files are deleted ${viaDaemon ? 'now by the running daemon' : 'at the next sync'} (files you added are kept)`,
    );
    return EXIT.ok;
  },
});
