/** Pure renderer of a role's config.toml for the legacy Python kimi-cli (DESIGN §5, kimi-cli-format §1). */
import { posix } from 'node:path';
import { stringify } from 'smol-toml';
import { catalogModel, catalogProvider, MANAGED_PROVIDERS } from '../../desired/catalog-defaults.ts';
import type { Catalog, Model, Provider, RoleSpec } from '../../desired/schema.ts';
import { InvalidSpecError } from '../../errors.ts';
import type { HookEntry } from './hooks.ts';

/** Kimi Code web search service endpoint. */
export const MOONSHOT_SEARCH_URL = 'https://api.kimi.com/coding/v1/search';
/** Kimi Code web fetch service endpoint. */
export const MOONSHOT_FETCH_URL = 'https://api.kimi.com/coding/v1/fetch';

/** Kimi Code's names of provider types, in kimi-cli's vocabulary. */
const LEGACY_TYPES: Readonly<Record<string, string>> = { openai: 'openai_legacy', 'google-genai': 'google_genai' };

/** The managed Kimi provider, whose key also serves the moonshot search and fetch services. */
export const KIMI_PROVIDER = 'managed:kimi-code';
/** The Kimi key variable when the catalog names none. */
export const KIMI_KEY_ENV = 'KIMI_API_KEY';

/** Everything renderConfigToml needs; `catalog` is the effective catalog (built-ins merged). */
export interface RenderConfigInput {
  role: RoleSpec;
  catalog: Catalog;
  /** Absolute role directory (POSIX). */
  roleDir: string;
  /** Secret values by variable name. */
  secrets: Readonly<Record<string, string>>;
  /** `[[hooks]]` entries (none: no hooks key at all). */
  hooks?: readonly HookEntry[];
}

/** The rendered file and the key variables it needed but did not get. */
export interface RenderedConfig {
  text: string;
  /** Sorted, deduplicated names of unset key variables (rendered as ""). */
  missingSecrets: string[];
}

/** The key value for a variable name ("" when unset, recorded as missing). */
export type KeyLookup = (env: string | undefined) => string;

/** Render config.toml for one role; throws InvalidSpecError when the role's model or its provider is unknown. */
export function renderConfigToml(input: RenderConfigInput): RenderedConfig {
  const { role, catalog, roleDir, secrets } = input;
  const providerNames = selectProviders(role, catalog);
  const missing = new Set<string>();
  const lookup: KeyLookup = (env) => resolveKey(env, secrets, missing);
  const kimiKey = lookup(catalog.providers[KIMI_PROVIDER]?.apiKeyEnv ?? KIMI_KEY_ENV);
  // Fixed key order; smol-toml keeps insertion order (scalars first, then tables).
  const doc = {
    default_model: role.model,
    default_thinking: role.thinking,
    default_yolo: role.yolo,
    merge_all_available_skills: false,
    extra_skill_dirs: [posix.join(roleDir, 'skills')],
    providers: Object.fromEntries(providerNames.map((name) => [name, providerTable(catalog.providers[name], lookup)])),
    models: modelTables(role, catalog, new Set(providerNames)),
    services: {
      moonshot_search: { base_url: MOONSHOT_SEARCH_URL, api_key: kimiKey },
      moonshot_fetch: { base_url: MOONSHOT_FETCH_URL, api_key: kimiKey },
    },
    ...(input.hooks?.length ? { hooks: input.hooks.map((h) => ({ ...h })) } : {}),
  };
  const body = stringify(doc).replace(/\n+$/, '');
  return { text: `${headerLine(role)}\n${body}\n`, missingSecrets: [...missing].sort() };
}

/** Map each non-empty secret to `<redacted:VARNAME>`, for rendering a display copy without secrets. */
export function maskSecrets(secrets: Readonly<Record<string, string>>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value === 'string' && value !== '') masked[name] = `<redacted:${name}>`;
  }
  return masked;
}

/** Sorted provider names to render: the managed ones in the catalog plus the role model's provider. */
export function selectProviders(role: RoleSpec, catalog: Catalog): string[] {
  const model = catalogModel(catalog, role.model);
  if (!model) throw new InvalidSpecError(role.name, `model "${role.model}" is not in the catalog`);
  if (!catalogProvider(catalog, model.provider)) {
    throw new InvalidSpecError(
      role.name,
      `provider "${model.provider}" of model "${role.model}" is not in the catalog`,
    );
  }
  const names = new Set<string>(MANAGED_PROVIDERS.filter((name) => catalogProvider(catalog, name)));
  names.add(model.provider);
  return [...names].sort();
}

/** The value of a key variable, recording it as missing when unset or empty. */
export function resolveKey(
  env: string | undefined,
  secrets: Readonly<Record<string, string>>,
  missing: Set<string>,
): string {
  if (!env) return '';
  const value = Object.hasOwn(secrets, env) ? secrets[env] : undefined;
  if (typeof value === 'string' && value !== '') return value;
  missing.add(env);
  return '';
}

/** One `[providers."<name>"]` table with Kimi's key names. */
function providerTable(provider: Provider, lookup: KeyLookup): Record<string, unknown> {
  const table: Record<string, unknown> = {
    type: LEGACY_TYPES[provider.type] ?? provider.type,
    base_url: provider.baseUrl,
    api_key: lookup(provider.apiKeyEnv),
  };
  if (provider.customHeaders) table.custom_headers = sortedRecord(provider.customHeaders);
  return table;
}

/** Sorted `[models."<alias>"]` tables for every catalog model served by a rendered provider. */
function modelTables(role: RoleSpec, catalog: Catalog, providers: ReadonlySet<string>): Record<string, unknown> {
  const aliases = Object.keys(catalog.models)
    .filter((alias) => providers.has(catalog.models[alias].provider))
    .sort();
  const override = (alias: string) => (alias === role.model ? role.maxContextSize : undefined);
  return Object.fromEntries(aliases.map((alias) => [alias, modelTable(catalog.models[alias], override(alias))]));
}

/** One model table with Kimi's key names; `maxContextSize` overrides the catalog's value. */
function modelTable(model: Model, maxContextSize: number | undefined): Record<string, unknown> {
  const table: Record<string, unknown> = {
    provider: model.provider,
    model: model.model,
    max_context_size: maxContextSize ?? model.maxContextSize,
  };
  if (model.capabilities) table.capabilities = [...model.capabilities];
  if (model.displayName !== undefined) table.display_name = model.displayName;
  return table;
}

/** A copy of a string record with its keys in sorted order. */
export function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

/** The comment line that opens every generated config.toml. */
export function headerLine(role: RoleSpec): string {
  const policy = role.driftPolicy === 'report' ? 'Hand edits are reported as drift' : 'Hand edits are reverted';
  return `# Generated by hero_team for role "${role.name}". ${policy}; change the role instead.`;
}
