/** Step 2 of a reconcile: render the desired state (pure) from fresh inputs; hold what the inputs cannot justify. */
import type { RoleSpec, StoreData } from '../../desired/schema.ts';
import { refreshSkills, registryProblem } from '../../observed/registry.ts';
import type { Manifest } from '../../observed/role-files.ts';
import type { DesiredRole } from '../artifacts.ts';
import { type Hold, holdUnjustified } from '../holds.ts';
import { renderRole } from '../render/role.ts';
import { readRenderInput } from '../render-input.ts';
import type { ReconcileDeps, ReconcileOptions } from './types.ts';

/** What the role should hold, and the changes deliberately not made (none yet for a role without a spec). */
export interface Rendered {
  /** null when the role was deleted from the store. */
  desired: DesiredRole | null;
  holds: Hold[];
}

/** Render role `name` (`spec`: its spec in `store`, undefined once deleted) against the `manifest` we wrote. */
export async function renderDesired(
  name: string,
  spec: RoleSpec | undefined,
  store: StoreData,
  manifest: Manifest | null,
  deps: ReconcileDeps,
  opts: ReconcileOptions,
): Promise<Rendered> {
  if (!spec) {
    deps.renders?.forget(name);
    return { desired: null, holds: [] };
  }
  await refreshSkills(deps.registry, spec.skills, deps.registry.cache, deps.registry.freshness);
  const { home, rolesDir } = deps.paths;
  const input = await readRenderInput(spec, {
    store,
    index: deps.registry.index,
    services: deps.services(),
    home,
    rolesDir,
    env: deps.env,
    presets: deps.presets,
  });
  const desired = deps.renders ? deps.renders.render(input, store.catalog) : renderRole(input);
  const inputs = {
    registryProblem: () => registryProblem(deps.registry.index.root),
    services: deps.servicesState?.() ?? { valid: true },
    pruneVanished: opts.pruneVanished,
  };
  return holdUnjustified(desired, manifest, spec.mcp.length > 0, inputs);
}
