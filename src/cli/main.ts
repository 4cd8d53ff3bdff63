/** CLI dispatcher: picks the command, answers help and --version, prints an error as one line with its exit code. */
import { errorMessage, InputError, RoleNotFoundError, StoreError } from '../errors.ts';
import { type CommandSpec, parseCommandArgs } from './command.ts';
import { COMMANDS } from './commands.ts';
import { commandHelp, groupHelp, overviewHelp } from './help.ts';
import { type CliIo, configFor, EXIT, out } from './io.ts';
import { packageVersion } from './version.ts';

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first] = argv;
  if (!first || first === '--help' || first === '-h') {
    out(io, overviewHelp(COMMANDS, packageVersion()));
    return first ? EXIT.ok : EXIT.usage;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    out(io, `hero-team ${packageVersion()}`);
    return EXIT.ok;
  }
  if (first === 'help') return help(argv.slice(1), io);
  const found = findCommand(argv);
  if (!found) {
    const group = groupOf(first);
    if (group.length && (argv.length === 1 || isHelpFlag(argv[1]))) {
      out(io, groupHelp(first, group));
      return argv.length === 1 ? EXIT.usage : EXIT.ok;
    }
    const shown = argv.slice(0, group.length ? 2 : 1).join(' ');
    io.stderr.write(`hero-team: unknown command "${shown}"; run "hero-team help${group.length ? ` ${first}` : ''}"\n`);
    return EXIT.usage;
  }
  const { command, args } = found;
  const beforeDashes = args.indexOf('--') === -1 ? args : args.slice(0, args.indexOf('--'));
  if (beforeDashes.some(isHelpFlag)) {
    out(io, commandHelp(command));
    return EXIT.ok;
  }
  try {
    const { values, positionals } = parseCommandArgs(command, args);
    return await command.run({ values, positionals, io, config: configFor(io) });
  } catch (err) {
    io.stderr.write(`hero-team: ${errorMessage(err)}\n`);
    return exitCodeFor(err);
  }
}

/** `hero-team help [WORDS...]`. */
function help(words: string[], io: CliIo): number {
  if (!words.length) {
    out(io, overviewHelp(COMMANDS, packageVersion()));
    return EXIT.ok;
  }
  const found = findCommand(words);
  if (found && found.args.length === 0) {
    out(io, commandHelp(found.command));
    return EXIT.ok;
  }
  const group = groupOf(words[0]!);
  if (group.length && words.length === 1) {
    out(io, groupHelp(words[0]!, group));
    return EXIT.ok;
  }
  io.stderr.write(`hero-team: no help for "${words.join(' ')}": unknown command; run "hero-team help"\n`);
  return EXIT.usage;
}

/** The command named by the first one or two words of argv, and the arguments after them. */
export function findCommand(argv: readonly string[]): { command: CommandSpec; args: string[] } | undefined {
  const two = argv.length >= 2 ? COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`) : undefined;
  if (two) return { command: two, args: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { command: one, args: argv.slice(1) } : undefined;
}

function groupOf(word: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${word} `));
}

function isHelpFlag(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h';
}

function exitCodeFor(err: unknown): number {
  if (err instanceof InputError || err instanceof RoleNotFoundError || err instanceof StoreError) return EXIT.usage;
  return EXIT.failed;
}
