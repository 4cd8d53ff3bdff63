/** `hero-team role set NAME [flags]`: change only the given fields of a role. */
import { InputError } from '../errors.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { parseRoleInput, ROLE_FLAGS } from './role-input.ts';
import { setRole } from './role-store.ts';

/** Update a role; generation is bumped only when the spec really changes. */
export const roleSet = defineCommand({
  name: 'role set',
  summary: 'change only the given fields of a role',
  usage: 'NAME [same flags as role add]',
  description:
    'Lists take a full replacement ("--skills a,b") or edits ("--skills +a,-b", "--add-skills a", "--remove-skills b");\nan edit starting with "-" needs "=": --skills=-b. Duplicates are collapsed.',
  options: ROLE_FLAGS,
  positionals: { min: 1, max: 1 },
  examples: [
    'role set backend --skills +testing',
    'role set backend --remove-skills git-workflow --no-yolo',
    'role set backend --drift report',
  ],
  async run({ values, positionals, io, config }) {
    const input = parseRoleInput(values, positionals);
    if (!Object.keys(input.fields).length && !input.skills && !input.mcp)
      throw new InputError('flags', 'nothing to change: give at least one flag (see "hero-team role set --help")');
    const { role, changed, viaDaemon } = await setRole(config, input);
    out(
      io,
      changed
        ? `role "${role.name}" updated (generation ${role.generation})${viaDaemon ? '; the running daemon converges it now' : ''}`
        : `role "${role.name}" unchanged`,
    );
    return EXIT.ok;
  },
});
