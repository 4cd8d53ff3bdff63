/** CLI dispatcher: picks the command, prints errors as one clear line, maps them to exit codes. */
import { HeroTeamError, InputError, RoleNotFoundError, StoreError, StoreLockedError, errorMessage } from '../errors.ts';
import { configFor, EXIT, out, type CliIo, type Command } from './io.ts';
import { render } from './render.ts';
import { roleAdd } from './role-add.ts';
import { roleList } from './role-list.ts';
import { roleRm } from './role-rm.ts';
import { roleSet } from './role-set.ts';
import { roleShow } from './role-show.ts';
import { serve } from './serve.ts';
import { skillList } from './skill-list.ts';
import { sync } from './sync.ts';

/** Usage text. */
export const HELP = `hero-team: keeps per-role Kimi Code CLI configurations converged

usage:
  hero-team serve                          daemon: watch, converge
  hero-team sync [ROLE...] [--dry-run]     converge once and exit (0 when converged)
  hero-team render ROLE [--file config.toml|mcp.json|skills] [--show-secrets]
  hero-team role list [--json]
  hero-team role show NAME [--json]
  hero-team role add NAME --model M [--skills a,b] [--mcp x,y] [--thinking|--no-thinking]
                          [--yolo|--no-yolo] [--context N] [--description TEXT] [--drift revert|report]
  hero-team role set NAME  (same flags; only the ones given change)
  hero-team role rm NAME
  hero-team skill list [--role NAME] [--json]

environment: HERO_TEAM_HOME, HERO_SKILLS_DIR, KIMI_ROLES_DIR, HERO_SOCKET_DIR, LOG_LEVEL,
             KIMI_API_KEY, GROQ_API_KEY, SAMBANOVA_API_KEY (also read from $HERO_TEAM_HOME/secrets.env)`;

const COMMANDS: Record<string, Command> = {
  serve,
  sync,
  render,
  'role add': roleAdd,
  'role set': roleSet,
  'role rm': roleRm,
  'role list': roleList,
  'role show': roleShow,
  'skill list': skillList,
};

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, second] = argv;
  if (!first || first === 'help' || first === '--help' || first === '-h') {
    out(io, HELP);
    return first ? EXIT.ok : EXIT.usage;
  }
  const twoWords = second && COMMANDS[`${first} ${second}`] ? `${first} ${second}` : undefined;
  const name = twoWords ?? first;
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`hero-team: unknown command "${argv.slice(0, first === 'role' || first === 'skill' ? 2 : 1).join(' ')}"; run "hero-team help"\n`);
    return EXIT.usage;
  }
  try {
    return await command(argv.slice(twoWords ? 2 : 1), io, configFor(io));
  } catch (err) {
    io.stderr.write(`hero-team: ${errorMessage(err)}\n`);
    return exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof InputError || err instanceof RoleNotFoundError || err instanceof StoreError) return EXIT.usage;
  if (err instanceof StoreLockedError || err instanceof HeroTeamError) return EXIT.failed;
  return EXIT.failed;
}
