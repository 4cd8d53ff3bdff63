/** `hero-team role add NAME [flags]`: declare a new role. */
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { parseRoleInput, ROLE_FLAGS } from './role-input.ts';
import { addRole } from './role-store.ts';
import { launchLine, loadStoreFor } from './store-access.ts';

/** Create a role; refuses an existing name (use `role set`). */
export const roleAdd = defineCommand({
  name: 'role add',
  summary: 'declare a role (model defaults to kimi-code/kimi-for-coding)',
  usage:
    'NAME [--model M] [--skills a,b] [--mcp x,y|*] [--[no-]thinking] [--[no-]yolo] [--context N] [--description TEXT] [--drift revert|report] [--preset P] [--hooks a,b]',
  description:
    'Refuses a name that exists (use "role set"). Skills, services and the model must exist; nothing is written otherwise.',
  options: ROLE_FLAGS,
  positionals: { min: 1, max: 1 },
  examples: [
    'role add backend --skills git-workflow,code-review',
    'role add reviewer --model groq/kimi-k2-instruct --no-thinking --drift report',
    'role add review --preset reviewer --hooks safety-check,notify',
  ],
  async run({ values, positionals, io, config }) {
    const { role, viaDaemon } = await addRole(config, parseRoleInput(values, positionals));
    const extras = [
      role.preset && `preset ${role.preset}`,
      role.hooks?.length && `hooks ${role.hooks.join(',')}`,
    ].filter(Boolean);
    out(
      io,
      `role "${role.name}" added (model ${role.model}, ${role.skills.length} skill(s)${extras.map((e) => `, ${e}`).join('')})`,
    );
    out(io, `launch: ${launchLine(config.paths.rolesDir, role.name, role.preset, await loadStoreFor(config), io.env)}`);
    out(
      io,
      viaDaemon
        ? 'the running daemon converges it now'
        : `converge now with "hero-team sync ${role.name}", or keep "hero-team serve" running`,
    );
    return EXIT.ok;
  },
});
