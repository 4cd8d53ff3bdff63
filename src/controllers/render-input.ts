/** One role's render inputs, read from the state in force: the effective catalog, the provider keys, the preset. */
import { statePaths } from '../config.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import { resolveTarget } from '../desired/kimi-target.ts';
import { PresetResolver } from '../desired/preset-resolver.ts';
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
  /** Preset lookups (one per process); without it, presets are read from HERO_TEAM_HOME/presets and the built-ins. */
  presets?: PresetResolver;
}

/** Assemble `role`'s render input: the store's catalog with the built-ins, the keys it references, the target. */
export async function readRenderInput(role: RoleSpec, from: RenderSources): Promise<RenderRoleInput> {
  const catalog = effectiveCatalog(from.store.catalog);
  const secrets = await readProviderSecrets(statePaths(from.home).secrets, from.env, catalog);
  // A missing or invalid preset is an InvalidSpecError: the role stalls and nothing is written.
  const presets = from.presets ?? new PresetResolver({ user: statePaths(from.home).presets });
  const preset = role.preset ? await presets.resolve(role.name, role.preset) : undefined;
  const { target, keys } = resolveTarget(from.store.settings, from.env);
  return {
    role,
    catalog,
    rolesDir: from.rolesDir,
    index: from.index,
    services: from.services,
    secrets,
    preset,
    target,
    keys,
  };
}
