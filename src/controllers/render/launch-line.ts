/** How to launch Kimi as a role (DESIGN §5): shown by `role show`, the API's `role_get` and the dashboard. */
import { posix } from 'node:path';
import { resolveTarget } from '../../desired/kimi-target.ts';
import type { StoreData } from '../../desired/schema.ts';
import { formatLaunchLine, type LaunchCommand, launchCommand } from './targets/launch.ts';
import { kimiTarget } from './targets/target.ts';

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
