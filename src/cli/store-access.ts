/** CLI access to the store: read for queries, locked update for mutations (the daemon picks changes up by watching the file). */
import { statePaths, type Config } from '../config.ts';
import { readStore, updateStore, type StoreMutation } from '../desired/store.ts';
import type { StoreData } from '../desired/schema.ts';
import { shellQuote } from '../controllers/render/hooks.ts';
import { NATIVE_TARGETS } from '../controllers/render/native.ts';

/** Read the store (throws StoreError naming file and position when invalid). */
export function loadStoreFor(config: Config): Promise<StoreData> {
  return readStore(statePaths(config.paths.home).store);
}

/** Mutate the store under its lock. */
export function mutateStoreFor(config: Config, mutate: StoreMutation): Promise<StoreData> {
  const files = statePaths(config.paths.home);
  return updateStore(files.store, files.storeLock, mutate);
}

/** Arguments that launch Kimi with a role's files (DESIGN §5); `preset`: the role's, adding `--agent-file`. */
export function launchArgs(rolesDir: string, role: string, preset?: string): string[] {
  const dir = `${rolesDir}/${role}`;
  const args = ['--config-file', `${dir}/config.toml`, '--mcp-config-file', `${dir}/mcp.json`, '--skills-dir', `${dir}/skills`];
  if (preset) args.push('--agent-file', `${dir}/${NATIVE_TARGETS['kimi-cli'].agentFile(preset)}`);
  return args;
}

/** The command line that launches Kimi with a role's files, quoted for a POSIX shell. */
export function launchLine(rolesDir: string, role: string, preset?: string): string {
  return ['kimi', ...launchArgs(rolesDir, role, preset)].map(shellQuote).join(' ');
}
