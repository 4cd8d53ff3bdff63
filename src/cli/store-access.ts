/** CLI access to the store: read for queries, locked update for mutations (the daemon picks changes up by watching the file). */

import { posix } from 'node:path';
import { type Config, statePaths } from '../config.ts';
import { formatLaunchLine, type LaunchCommand, launchCommand } from '../controllers/render/targets/launch.ts';
import { kimiTarget } from '../controllers/render/targets/target.ts';
import { resolveTarget } from '../desired/kimi-target.ts';
import type { StoreData } from '../desired/schema.ts';
import { readStore, type StoreMutation, updateStore } from '../desired/store.ts';

/** Read the store (throws StoreError naming file and position when invalid). */
export function loadStoreFor(config: Config): Promise<StoreData> {
  return readStore(statePaths(config.paths.home).store);
}

/** Mutate the store under its lock. */
export function mutateStoreFor(config: Config, mutate: StoreMutation): Promise<StoreData> {
  const files = statePaths(config.paths.home);
  return updateStore(files.store, files.storeLock, mutate);
}

/** How to launch Kimi as a role, for the target in force (DESIGN §5); the role's preset adds `--agent-file`. */
export function launchFor(
  rolesDir: string,
  role: string,
  preset: string | undefined,
  store: StoreData,
  env: NodeJS.ProcessEnv,
): LaunchCommand {
  const target = kimiTarget(resolveTarget(store.settings, env).target);
  return launchCommand(target.id, posix.join(rolesDir, role), preset ? { agentFile: target.agentFile(preset) } : {});
}

/** The launch as one shell line. */
export function launchLine(
  rolesDir: string,
  role: string,
  preset: string | undefined,
  store: StoreData,
  env: NodeJS.ProcessEnv,
): string {
  return formatLaunchLine(launchFor(rolesDir, role, preset, store, env));
}
