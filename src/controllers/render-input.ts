/** The inputs of one role's render, read from the state in force: the effective catalog and the provider keys. */
import { statePaths } from '../config.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import type { RoleSpec, StoreData } from '../desired/schema.ts';
import type { RegistryIndex } from '../observed/registry-types.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import type { McpServer } from '../observed/services.ts';
import type { RenderRoleInput } from './render/role.ts';

/** Where the render's inputs come from. */
export interface RenderSources {
  store: StoreData;
  index: RegistryIndex;
  services: Readonly<Record<string, McpServer>>;
  /** HERO_TEAM_HOME (holds secrets.env) and the roles root. */
  home: string;
  rolesDir: string;
  env: NodeJS.ProcessEnv;
}

/** Assemble the render input of `role`: the store's catalog with the built-ins, and the keys it references. */
export async function readRenderInput(role: RoleSpec, from: RenderSources): Promise<RenderRoleInput> {
  const catalog = effectiveCatalog(from.store.catalog);
  const secrets = await readProviderSecrets(statePaths(from.home).secrets, from.env, catalog);
  return { role, catalog, rolesDir: from.rolesDir, index: from.index, services: from.services, secrets };
}
