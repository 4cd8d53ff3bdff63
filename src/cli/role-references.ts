/** What a role's flags name, looked up: the preset, and the model, context, skills and MCP services of a spec. */
import { type Config, statePaths } from '../config.ts';
import { catalogModel, effectiveCatalog } from '../desired/catalog-defaults.ts';
import { type Preset, requirePreset } from '../desired/presets.ts';
import type { RoleSpec, StoreData } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { scanSkill } from '../observed/registry.ts';
import { readServices } from '../observed/services.ts';

/** The preset a role is created from or switched to, checked (InputError naming the problem); undefined when none. */
export async function presetFor(config: Config, name: string | undefined): Promise<Preset | undefined> {
  if (name === undefined) return undefined;
  return requirePreset(name, { user: statePaths(config.paths.home).presets });
}

/** Check that the model, context, skills and MCP services a spec names exist; InputError names the first problem. */
export async function validateReferences(
  config: Config,
  store: StoreData,
  fields: Partial<RoleSpec>,
  modelInForce?: string,
): Promise<void> {
  const catalog = effectiveCatalog(store.catalog);
  if (fields.model !== undefined && !catalogModel(catalog, fields.model)) {
    throw new InputError(
      'model',
      `unknown model "${fields.model}"; known models: ${Object.keys(catalog.models).sort().join(', ')}`,
    );
  }
  const model = catalogModel(catalog, fields.model ?? modelInForce ?? '');
  if (fields.maxContextSize !== undefined && model && fields.maxContextSize > model.maxContextSize) {
    throw new InputError(
      'context',
      `--context ${fields.maxContextSize} exceeds the model's context of ${model.maxContextSize} tokens (${fields.model ?? modelInForce})`,
    );
  }
  const cache = new DigestCache();
  for (const skill of fields.skills ?? []) {
    const scan = await scanSkill(config.paths.skillsDir, skill, cache);
    if (scan.invalid)
      throw new InputError('skills', `skill "${skill}" is invalid in the registry: ${scan.invalid.reason}`);
    if (!scan.skill)
      throw new InputError(
        'skills',
        `unknown skill "${skill}": not found in ${config.paths.skillsDir} (see "hero-team skill list"; "hero-team init --example-skills" installs examples)`,
      );
  }
  const mcp = (fields.mcp ?? []).filter((s) => s !== '*');
  if (mcp.length) {
    const { services } = await readServices(statePaths(config.paths.home).services);
    const unknown = mcp.filter((s) => !Object.hasOwn(services, s));
    if (unknown.length)
      throw new InputError(
        'mcp',
        `unknown MCP service(s) ${unknown.map((s) => `"${s}"`).join(', ')}; services.json lists: ${Object.keys(services).sort().join(', ') || '(none)'}`,
      );
  }
}
