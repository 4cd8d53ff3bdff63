/** Check that a role's model, preset, skills and MCP services exist before it is stored (the CLI's checks). */
import { statePaths } from '../../config.ts';
import { effectiveCatalog } from '../../desired/catalog-defaults.ts';
import { requirePreset } from '../../desired/presets.ts';
import type { RoleSpec, StoreData } from '../../desired/schema.ts';
import { InputError } from '../../errors.ts';
import { DigestCache } from '../../observed/digest.ts';
import { scanSkill } from '../../observed/registry.ts';
import type { Control } from '../control.ts';
import { RpcError } from './errors.ts';

/**
 * Throws -32602 naming the first unknown model, a context over the model's, or an unknown (or invalid) preset,
 * skill or service. Only the preset, skills and services the change introduces are checked (as the CLI does): one
 * already in the role may be missing today, and that must not block other edits of the role.
 */
export async function checkRoleReferences(
  control: Control,
  store: StoreData,
  spec: Pick<RoleSpec, 'model' | 'skills' | 'mcp' | 'maxContextSize' | 'preset'>,
): Promise<void> {
  const catalog = effectiveCatalog(store.catalog);
  const model = Object.hasOwn(catalog.models, spec.model) ? catalog.models[spec.model] : undefined;
  if (!model) {
    throw RpcError.of('invalidParams', `unknown model "${spec.model}"`, [
      {
        path: ['role', 'model'],
        code: 'unknown_model',
        message: `known models: ${Object.keys(catalog.models).sort().join(', ')}`,
      },
    ]);
  }
  if (spec.maxContextSize !== undefined && spec.maxContextSize > model.maxContextSize) {
    throw RpcError.of(
      'invalidParams',
      `context ${spec.maxContextSize} exceeds the model's context of ${model.maxContextSize} tokens`,
      [{ path: ['role', 'context'], code: 'too_big', message: `at most ${model.maxContextSize}` }],
    );
  }
  if (spec.preset !== undefined) {
    try {
      await requirePreset(spec.preset, { user: statePaths(control.paths.home).presets });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      throw RpcError.of('invalidParams', err.message, [
        { path: ['role', 'preset'], code: 'unknown_preset', message: err.message },
      ]);
    }
  }
  const indexed = control.manager.sources.registry.index;
  const cache = new DigestCache();
  for (const [i, skill] of spec.skills.entries()) {
    if (indexed.skills.has(skill)) continue;
    const scan = await scanSkill(control.paths.skillsDir, skill, cache);
    if (scan.skill) continue;
    const why = scan.invalid
      ? `invalid in the registry: ${scan.invalid.reason}`
      : `not found in ${control.paths.skillsDir}`;
    throw RpcError.of('invalidParams', `skill "${skill}" is ${why}`, [
      { path: ['role', 'skills', i], code: 'unknown_skill', message: why },
    ]);
  }
  const services = control.manager.sources.services;
  const unknown = spec.mcp.filter((s) => s !== '*' && !Object.hasOwn(services, s));
  if (unknown.length) {
    throw RpcError.of('invalidParams', `unknown MCP service(s): ${unknown.join(', ')}`, [
      {
        path: ['role', 'mcp'],
        code: 'unknown_service',
        message: `services.json lists: ${Object.keys(services).sort().join(', ') || '(none)'}`,
      },
    ]);
  }
}
