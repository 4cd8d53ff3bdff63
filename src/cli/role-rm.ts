/** `hero-team role rm NAME`: remove a role; its generated files go away at the next reconcile. */
import { defineRemoveCommand } from './remove-command.ts';
import { deleteRoleSpec } from './role-store.ts';

/** Delete a role from the desired state. */
export const roleRm = defineRemoveCommand({
  name: 'role rm',
  summary: 'remove a role; its generated files go at the next sync, files you added stay',
  usage: 'NAME',
  example: 'role rm backend',
  async remove(config, name) {
    const { viaDaemon } = await deleteRoleSpec(config, name);
    return `role "${name}" removed; its generated files are deleted ${viaDaemon ? 'now by the running daemon' : 'at the next sync'} (files you added are kept)`;
  },
});
