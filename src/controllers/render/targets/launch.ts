/** How each target launches kimi as a role: one function for `role show` and `hero-team run` (pure). */
import { posix } from 'node:path';
import type { Catalog, KeyMode, KimiTargetId, RoleSpec } from '../../../desired/schema.ts';
import { KIMI_KEY_ENV, KIMI_PROVIDER, selectProviders } from '../config-toml.ts';

/** A launch: variables to remove from and to set in the environment, then the command line. */
export interface LaunchCommand {
  unset: string[];
  env: Record<string, string>;
  argv: string[];
}

/** Options of a launch: the role-relative agent file when the role has a preset. */
export interface LaunchOptions {
  agentFile?: string;
}

/**
 * The command that runs kimi as the role whose directory is `roleDir` (absolute). Kimi Code: the role directory
 * is its home (KIMI_CODE_HOME), and KIMI_MODEL_NAME / KIMI_MODEL_API_KEY would override the role's model, so they
 * are removed. kimi-cli: the files are passed by flag.
 */
export function launchCommand(target: KimiTargetId, roleDir: string, opts: LaunchOptions = {}): LaunchCommand {
  const at = (rel: string) => posix.join(roleDir, rel);
  const agent = opts.agentFile ? ['--agent-file', at(opts.agentFile)] : [];
  if (target === 'kimi-cli') {
    return {
      unset: [],
      env: {},
      argv: [
        'kimi',
        '--config-file',
        at('config.toml'),
        '--mcp-config-file',
        at('mcp.json'),
        '--skills-dir',
        at('skills'),
        ...agent,
      ],
    };
  }
  return {
    unset: ['KIMI_MODEL_NAME', 'KIMI_MODEL_API_KEY'],
    env: { KIMI_CODE_HOME: roleDir, KIMI_CODE_NO_AUTO_UPDATE: '1' },
    argv: ['kimi', '--skills-dir', at('skills'), ...agent],
  };
}

/** The launch as one shell line (`env -u … VAR=… kimi …`, or just `kimi …`), words quoted where needed. */
export function formatLaunchLine(cmd: LaunchCommand): string {
  const words = [...cmd.argv];
  const assignments = Object.entries(cmd.env).map(([k, v]) => `${k}=${quote(v)}`);
  if (!cmd.unset.length && !assignments.length) return words.map(quote).join(' ');
  return ['env', ...cmd.unset.flatMap((name) => ['-u', name]), ...assignments, ...words.map(quote)].join(' ');
}

/**
 * The key variables `hero-team run` adds to kimi's environment when keys are named (`api_key_env`): each
 * rendered provider's variable, plus the Kimi key as the search and fetch services' keys (Kimi Code reads
 * those from KIMI_WEB_SEARCH_API_KEY / KIMI_WEB_FETCH_API_KEY). Only values known to hero_team are set.
 */
export function launchKeyEnv(
  keys: KeyMode,
  role: RoleSpec,
  catalog: Catalog,
  secrets: Readonly<Record<string, string>>,
): Record<string, string> {
  if (keys !== 'env') return {};
  const env: Record<string, string> = {};
  for (const name of selectProviders(role, catalog)) {
    const variable = catalog.providers[name]?.apiKeyEnv;
    if (variable && secrets[variable]) env[variable] = secrets[variable];
  }
  const kimiKey = secrets[catalog.providers[KIMI_PROVIDER]?.apiKeyEnv ?? KIMI_KEY_ENV];
  if (kimiKey) Object.assign(env, { KIMI_WEB_SEARCH_API_KEY: kimiKey, KIMI_WEB_FETCH_API_KEY: kimiKey });
  return env;
}

/** A word as the shell reads it: bare when safe, else single-quoted. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
