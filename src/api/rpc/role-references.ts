/** Check that a role's model, skills and MCP services exist before it is stored (the CLI's checks, on the daemon's inputs). */
import { effectiveCatalog } from '../../desired/catalog-defaults.ts';
import type { RoleSpec, StoreData } from '../../desired/schema.ts';
import { DigestCache } from '../../observed/digest.ts';
import { scanSkill } from '../../observed/registry.ts';
import type { Control } from '../control.ts';
import { RpcError } from './errors.ts';

/** Throws -32602 naming the first unknown model, skill or service. */
export async function checkRoleReferences(control: Control, store: StoreData, spec: Pick<RoleSpec, 'model' | 'skills' | 'mcp'>): Promise<void> {
  const catalog = effectiveCatalog(store.catalog);
  if (!Object.hasOwn(catalog.models, spec.model)) {
    throw RpcError.of('invalidParams', `unknown model "${spec.model}"`, [{ path: ['role', 'model'], code: 'unknown_model', message: `known models: ${Object.keys(catalog.models).sort().join(', ')}` }]);
  }
  const indexed = control.manager.sources.registry.index;
  const cache = new DigestCache();
  for (const [i, skill] of spec.skills.entries()) {
    if (indexed.skills.has(skill)) continue;
    const scan = await scanSkill(control.paths.skillsDir, skill, cache);
    if (scan.skill) continue;
    const why = scan.invalid ? `invalid in the registry: ${scan.invalid.reason}` : `not found in ${control.paths.skillsDir}`;
    throw RpcError.of('invalidParams', `skill "${skill}" is ${why}`, [{ path: ['role', 'skills', i], code: 'unknown_skill', message: why }]);
  }
  const services = control.manager.sources.services;
  const unknown = spec.mcp.filter((s) => s !== '*' && !Object.hasOwn(services, s));
  if (unknown.length) {
    throw RpcError.of('invalidParams', `unknown MCP service(s): ${unknown.join(', ')}`, [{ path: ['role', 'mcp'], code: 'unknown_service', message: `services.json lists: ${Object.keys(services).sort().join(', ') || '(none)'}` }]);
  }
}
