/** Help text generated from the command declarations: the overview, a group (`role`), one command. */
import type { CommandSpec, OptionSpec } from './command.ts';

const ENVIRONMENT = `environment: HERO_TEAM_HOME, HERO_SKILLS_DIR, KIMI_ROLES_DIR, HERO_SOCKET_DIR, LOG_LEVEL, HERO_TEAM_KIMI_TARGET,
             KIMI_API_KEY, GROQ_API_KEY, SAMBANOVA_API_KEY (also read from $HERO_TEAM_HOME/secrets.env),
             HERO_TEAM_BACKUP_KEEP, HERO_TEAM_BACKUP_MAX_AGE_DAYS (backup retention; see "hero-team backups --help")`;

/** `hero-team help`: every command with its summary. */
export function overviewHelp(commands: readonly CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return [
    `hero-team ${version}: keeps per-role Kimi Code CLI configurations converged`,
    '',
    'usage: hero-team COMMAND [ARGS] [FLAGS]',
    '',
    'commands:',
    ...lines,
    '',
    'help: "hero-team help COMMAND" or "hero-team COMMAND --help" (e.g. "hero-team help role", "hero-team role add --help");',
    '      "hero-team --version" prints the version.',
    '',
    ENVIRONMENT,
  ].join('\n');
}

/** `hero-team help role`: the commands of a group, with usage and flags. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  return [
    `hero-team ${group}: ${commands.length} command(s)`,
    '',
    ...commands
      .map((c) => commandHelp(c))
      .join('\n\n')
      .split('\n'),
  ].join('\n');
}

/** `hero-team role add --help`: usage, description, flags, examples. */
export function commandHelp(c: CommandSpec): string {
  const lines = [`usage: hero-team ${c.name}${c.usage ? ` ${c.usage}` : ''}`, '', `  ${c.summary}`];
  if (c.description) lines.push(...c.description.split('\n').map((l) => (l ? `  ${l}` : '')));
  const flags = Object.entries(c.options).map(([name, o]) => [flagLabel(name, o), o.description] as const);
  flags.push(['-h, --help', 'show this help']);
  const width = Math.max(...flags.map(([label]) => label.length)) + 2;
  lines.push('', 'flags:', ...flags.map(([label, text]) => `  ${label.padEnd(width)}${text}`));
  if (c.examples?.length) lines.push('', 'examples:', ...c.examples.map((e) => `  hero-team ${e}`));
  return lines.join('\n');
}

function flagLabel(name: string, o: OptionSpec): string {
  const long =
    o.type === 'boolean' ? (o.negatable ? `--[no-]${name}` : `--${name}`) : `--${name} ${o.value ?? 'VALUE'}`;
  return o.short ? `-${o.short}, ${long}` : long;
}
