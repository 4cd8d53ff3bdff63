/**
 * `hero-team completion bash|zsh`: a completion script for commands, flags and names; the names (roles,
 * skills, presets, hooks, models) come from `hero-team __complete KIND` at completion time.
 */
import { readdir } from 'node:fs/promises';
import type { Config } from '../config.ts';
import { statePaths } from '../config.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import { HOOK_NAMES } from '../desired/hook-catalog.ts';
import { listPresetNames } from '../desired/presets.ts';
import { SKILL_NAME_RE } from '../desired/schema.ts';
import { readStore } from '../desired/store.ts';
import { InputError } from '../errors.ts';
import { readServices } from '../observed/services.ts';
import { defineCommand } from './command.ts';
import { COMMANDS } from './commands.ts';
import { EXIT, out } from './io.ts';

/** What the positional arguments of a command name. */
const POSITIONALS: Record<string, 'role' | 'preset' | 'shell'> = {
  sync: 'role',
  render: 'role',
  'role show': 'role',
  'role set': 'role',
  'role rm': 'role',
  run: 'role',
  'preset show': 'preset',
  completion: 'shell',
};

/** Each command (one or two words), its flags (from the command table) and what its positional arguments name. */
export function completionTree(): Record<string, { flags: string[]; args?: 'role' | 'preset' | 'shell' }> {
  const tree: Record<string, { flags: string[]; args?: 'role' | 'preset' | 'shell' }> = {};
  for (const c of COMMANDS) {
    if (c.name.startsWith('__')) continue;
    const flags = Object.entries(c.options).flatMap(([name, o]) =>
      o.negatable ? [`--${name}`, `--no-${name}`] : [`--${name}`],
    );
    tree[c.name] = { flags: [...flags, '--help'], args: POSITIONALS[c.name] };
  }
  return tree;
}

/** Values of flags that take a name (comma lists for --skills, --mcp, --hooks). */
const FLAG_VALUES: Record<string, string> = {
  '--preset': 'presets',
  '--skills': 'skills',
  '--hooks': 'hooks',
  '--model': 'models',
  '--role': 'roles',
  '--mcp': 'services',
  '--drift': 'drift',
  '--file': 'files',
};

/** Print the completion script for a shell. */
export const completion = defineCommand({
  name: 'completion',
  summary: 'shell completion script for bash or zsh',
  usage: 'bash|zsh',
  description:
    'Completes commands, flags, and role, skill, preset, hook, model and service names.\nbash: eval "$(hero-team completion bash)" in ~/.bashrc; zsh: eval "$(hero-team completion zsh)" in ~/.zshrc after compinit.',
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ['completion bash'],
  run: async ({ positionals, io }) => {
    const shell = positionals[0];
    if (shell !== 'bash' && shell !== 'zsh') throw new InputError('SHELL', `unknown shell "${shell}": bash or zsh`);
    out(io, shell === 'bash' ? bashScript() : zshScript());
    return EXIT.ok;
  },
});

/** `hero-team __complete KIND`: names for completion, one a line; never fails loudly (completion must stay quiet). */
export const completeNames = defineCommand({
  name: '__complete',
  summary: 'names for the completion scripts (roles, skills, presets, hooks, models, services)',
  usage: 'KIND',
  options: {},
  positionals: { min: 0, max: 1 },
  run: async ({ positionals, io, config }) => {
    const names = await namesOf(positionals[0] ?? '', config).catch(() => [] as string[]);
    if (names.length) out(io, names.join('\n'));
    return EXIT.ok;
  },
});

async function namesOf(kind: string, config: Config): Promise<string[]> {
  const home = statePaths(config.paths.home);
  if (kind === 'roles') return (await readStore(home.store)).roles.map((r) => r.name).sort();
  if (kind === 'models') return Object.keys(effectiveCatalog((await readStore(home.store)).catalog).models).sort();
  if (kind === 'presets') return (await listPresetNames({ user: home.presets })).map((p) => p.name);
  if (kind === 'hooks') return [...HOOK_NAMES];
  if (kind === 'services') return Object.keys((await readServices(home.services)).services).sort();
  if (kind === 'drift') return ['revert', 'report'];
  if (kind === 'files') return ['config.toml', 'mcp.json', 'skills', 'agents', 'hooks'];
  if (kind === 'skills') {
    // Names only (a directory or a flat .md per skill): completion must not hash the registry.
    const entries = await readdir(config.paths.skillsDir, { withFileTypes: true });
    const names = entries
      .map((e) => (e.isDirectory() ? e.name : e.name.replace(/\.md$/i, '')))
      .filter((n) => SKILL_NAME_RE.test(n));
    return [...new Set(names)].sort();
  }
  return [];
}

/** The first word of every command, for the first position. */
function firstWords(): string[] {
  return [...new Set(Object.keys(completionTree()).map((k) => k.split(' ')[0]!))];
}

function secondWords(first: string): string[] {
  return Object.keys(completionTree())
    .filter((k) => k.startsWith(`${first} `))
    .map((k) => k.split(' ')[1]!);
}

function bashScript(): string {
  const groups = firstWords().filter((w) => secondWords(w).length);
  const flagCases = Object.entries(completionTree())
    .map(([cmd, spec]) => `    "${cmd}") flags="${spec.flags.join(' ')}"; kind="${kindOf(spec.args)}";;`)
    .join('\n');
  const valueCases = Object.entries(FLAG_VALUES)
    .map(([flag, kind]) => `    ${flag}) __hero_team_names ${kind} "$cur"; return;;`)
    .join('\n');
  return `# hero-team completion for bash. Load it with: eval "$(hero-team completion bash)"
__hero_team_names() {
  local kind="$1" cur="$2" prefix=""
  if [[ "$cur" == *,* ]]; then prefix="\${cur%,*},"; cur="\${cur##*,}"; fi
  COMPREPLY=( $(compgen -P "$prefix" -W "$(hero-team __complete "$kind" 2>/dev/null)" -- "$cur") )
}
_hero_team() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if (( COMP_CWORD == 1 )); then COMPREPLY=( $(compgen -W "${firstWords().join(' ')}" -- "$cur") ); return; fi
  local cmd="\${COMP_WORDS[1]}"
  case "$cmd" in
${groups.map((g) => `    ${g}) if (( COMP_CWORD == 2 )); then COMPREPLY=( $(compgen -W "${secondWords(g).join(' ')}" -- "$cur") ); return; fi; cmd="$cmd \${COMP_WORDS[2]}";;`).join('\n')}
  esac
  case "$prev" in
${valueCases}
  esac
  local flags="" kind=""
  case "$cmd" in
${flagCases}
  esac
  if [[ "$cur" == -* || -z "$kind" ]]; then COMPREPLY=( $(compgen -W "$flags" -- "$cur") ); return; fi
  if [[ "$kind" == shell ]]; then COMPREPLY=( $(compgen -W "bash zsh" -- "$cur") ); return; fi
  __hero_team_names "$kind" "$cur"
}
complete -F _hero_team hero-team`;
}

function zshScript(): string {
  const groups = firstWords().filter((w) => secondWords(w).length);
  const flagCases = Object.entries(completionTree())
    .map(([cmd, spec]) => `    "${cmd}") flags=(${spec.flags.join(' ')}); kind="${kindOf(spec.args)}";;`)
    .join('\n');
  const valueCases = Object.entries(FLAG_VALUES)
    .map(([flag, kind]) => `    ${flag}) __hero_team_names ${kind}; return;;`)
    .join('\n');
  return `#compdef hero-team
# hero-team completion for zsh. Load it with: eval "$(hero-team completion zsh)" (after compinit)
__hero_team_names() {
  local cur="\${words[CURRENT]}" prefix=""
  if [[ "$cur" == *,* ]]; then prefix="\${cur%,*},"; fi
  compadd -P "$prefix" -- \${(f)"$(hero-team __complete $1 2>/dev/null)"}
}
_hero_team() {
  if (( CURRENT == 2 )); then compadd -- ${firstWords().join(' ')}; return; fi
  local cmd="\${words[2]}"
  case "$cmd" in
${groups.map((g) => `    ${g}) if (( CURRENT == 3 )); then compadd -- ${secondWords(g).join(' ')}; return; fi; cmd="$cmd \${words[3]}";;`).join('\n')}
  esac
  case "\${words[CURRENT-1]}" in
${valueCases}
  esac
  local -a flags; local kind=""
  case "$cmd" in
${flagCases}
  esac
  if [[ "\${words[CURRENT]}" == -* || -z "$kind" ]]; then compadd -- $flags; return; fi
  if [[ "$kind" == shell ]]; then compadd -- bash zsh; return; fi
  __hero_team_names $kind
}
compdef _hero_team hero-team`;
}

function kindOf(args: 'role' | 'preset' | 'shell' | undefined): string {
  return args === 'role' ? 'roles' : args === 'preset' ? 'presets' : (args ?? '');
}
