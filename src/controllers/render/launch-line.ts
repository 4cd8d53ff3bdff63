/** The command line that launches Kimi with a role's files (DESIGN §5): shown by `role show`, `role_get` and the dashboard. */
import { shellQuote } from './hooks.ts';
import { NATIVE_TARGETS } from './native.ts';

/** Arguments that launch Kimi with a role's files (DESIGN §5); `preset`: the role's, adding `--agent-file`. */
export function launchArgs(rolesDir: string, role: string, preset?: string): string[] {
  const dir = `${rolesDir}/${role}`;
  const args = [
    '--config-file',
    `${dir}/config.toml`,
    '--mcp-config-file',
    `${dir}/mcp.json`,
    '--skills-dir',
    `${dir}/skills`,
  ];
  if (preset) args.push('--agent-file', `${dir}/${NATIVE_TARGETS['kimi-cli'].agentFile(preset)}`);
  return args;
}

/** The command line that launches Kimi with a role's files, quoted for a POSIX shell. */
export function launchLine(rolesDir: string, role: string, preset?: string): string {
  return ['kimi', ...launchArgs(rolesDir, role, preset)].map(shellQuote).join(' ');
}
