/** Flags of `role add` / `role set` and their validation against the catalog, the registry and services.json. */
import { statePaths, type Config } from '../config.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import { ROLE_NAME_RE, type RoleSpec, type StoreData } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { DigestCache } from '../observed/digest.ts';
import { scanSkill } from '../observed/registry.ts';
import { readServices } from '../observed/services.ts';
import { parseFlags, parsePositiveInt, splitList } from './args.ts';

/** Flag definitions shared by `role add` and `role set`. */
export const ROLE_FLAGS = {
  model: { type: 'string' },
  skills: { type: 'string' },
  mcp: { type: 'string' },
  thinking: { type: 'boolean' },
  yolo: { type: 'boolean' },
  context: { type: 'string' },
  description: { type: 'string' },
  drift: { type: 'string' },
} as const;

/** The role name (first positional) and the fields given on the command line. */
export function parseRoleFlags(args: string[]): { name: string; fields: Partial<RoleSpec> } {
  const { values, positionals } = parseFlags(args, ROLE_FLAGS);
  if (positionals.length !== 1) throw new InputError('NAME', `expected exactly one role NAME, got ${positionals.length ? positionals.join(' ') : 'none'}`);
  const name = positionals[0]!;
  if (!ROLE_NAME_RE.test(name)) throw new InputError('NAME', `invalid role name "${name}": use lowercase letters, digits, "-" and "_" (^[a-z0-9][a-z0-9_-]{0,62}$)`);
  if (values.drift !== undefined && values.drift !== 'revert' && values.drift !== 'report') throw new InputError('drift', `--drift must be "revert" or "report", got "${values.drift}"`);
  const fields: Partial<RoleSpec> = {};
  if (values.model !== undefined) fields.model = values.model;
  if (values.skills !== undefined) fields.skills = splitList(values.skills);
  if (values.mcp !== undefined) fields.mcp = splitList(values.mcp);
  if (values.thinking !== undefined) fields.thinking = values.thinking;
  if (values.yolo !== undefined) fields.yolo = values.yolo;
  if (values.context !== undefined) fields.maxContextSize = parsePositiveInt('context', values.context);
  if (values.description !== undefined) fields.description = values.description;
  if (values.drift !== undefined) fields.driftPolicy = values.drift as 'revert' | 'report';
  return { name, fields };
}

/** Check that the model, skills and MCP services a spec names exist; throws InputError naming the first problem. */
export async function validateReferences(config: Config, store: StoreData, fields: Partial<RoleSpec>): Promise<void> {
  const catalog = effectiveCatalog(store.catalog);
  if (fields.model !== undefined && !catalog.models[fields.model]) {
    throw new InputError('model', `unknown model "${fields.model}"; known models: ${Object.keys(catalog.models).sort().join(', ')}`);
  }
  const cache = new DigestCache();
  for (const skill of fields.skills ?? []) {
    const scan = await scanSkill(config.paths.skillsDir, skill, cache);
    if (scan.invalid) throw new InputError('skills', `skill "${skill}" is invalid in the registry: ${scan.invalid.reason}`);
    if (!scan.skill) throw new InputError('skills', `unknown skill "${skill}": not found in ${config.paths.skillsDir}`);
  }
  const mcp = (fields.mcp ?? []).filter((s) => s !== '*');
  if (mcp.length) {
    const { services } = await readServices(statePaths(config.paths.home).services);
    const unknown = mcp.filter((s) => !services[s]);
    if (unknown.length) throw new InputError('mcp', `unknown MCP service(s) ${unknown.map((s) => `"${s}"`).join(', ')}; services.json lists: ${Object.keys(services).sort().join(', ') || '(none)'}`);
  }
}
