/** Pure renderer of a role's config.toml for Kimi Code 2.x, whose home is the role dir (kimi-code-format §3, §9). */
import { stringify } from 'smol-toml';
import type { Catalog, KeyMode, Model, Provider, ProviderType, RoleSpec } from '../../../desired/schema.ts';
import { InvalidSpecError } from '../../../errors.ts';
import {
  headerLine,
  type KeyLookup,
  KIMI_KEY_ENV,
  KIMI_PROVIDER,
  MOONSHOT_FETCH_URL,
  MOONSHOT_SEARCH_URL,
  type RenderConfigInput,
  type RenderedConfig,
  resolveKey,
  selectProviders,
  sortedRecord,
} from '../config-toml.ts';

/** Kimi Code's provider type for each catalog type; absent: Kimi Code cannot prompt with it (vertexai). */
const TYPES: Readonly<Partial<Record<ProviderType, string>>> = {
  kimi: 'kimi',
  openai: 'openai',
  openai_legacy: 'openai',
  openai_responses: 'openai_responses',
  anthropic: 'anthropic',
  gemini: 'google-genai',
  google_genai: 'google-genai',
  'google-genai': 'google-genai',
};

/** Inputs of the Kimi Code renderer: the common ones plus where keys go. */
export interface KimiCodeConfigInput extends RenderConfigInput {
  keys: KeyMode;
}

/**
 * Render config.toml for Kimi Code. Throws InvalidSpecError when the role's model, its provider or a provider
 * type is unknown to Kimi Code. `missingSecrets` lists the key variables hero_team cannot supply (with
 * `keys: 'env'` kimi still needs them in its environment at launch).
 */
export function renderKimiCodeConfig(input: KimiCodeConfigInput): RenderedConfig {
  const { role, catalog, secrets, keys } = input;
  const providerNames = selectProviders(role, catalog);
  const missing = new Set<string>();
  const lookup: KeyLookup = (env) => resolveKey(env, secrets, missing);
  const kimiKeyEnv = catalog.providers[KIMI_PROVIDER]?.apiKeyEnv ?? KIMI_KEY_ENV;
  const kimiKey = lookup(kimiKeyEnv);
  // Named keys stay out of the file: the services read theirs from KIMI_WEB_SEARCH_API_KEY / _FETCH_ at launch.
  const service = (url: string) => (keys === 'config' ? { base_url: url, api_key: kimiKey } : { base_url: url });
  // Fixed key order; smol-toml keeps insertion order (scalars first, then tables).
  const doc = {
    default_model: role.model,
    default_permission_mode: role.yolo ? 'yolo' : 'manual',
    // Only the role's whitelist: without this Kimi adds its product skills to every role.
    builtin_product_skills: false,
    thinking: { enabled: role.thinking },
    providers: Object.fromEntries(
      providerNames.map((name) => [name, providerTable(role, name, catalog.providers[name], keys, lookup)]),
    ),
    models: modelTables(role, catalog, new Set(providerNames)),
    services: { moonshot_search: service(MOONSHOT_SEARCH_URL), moonshot_fetch: service(MOONSHOT_FETCH_URL) },
    // Kimi Code's hooks are strict: only event, command, matcher, timeout (HookEntry has exactly those).
    ...(input.hooks?.length
      ? {
          hooks: input.hooks.map((h) => ({
            event: h.event,
            command: h.command,
            matcher: h.matcher,
            timeout: h.timeout,
          })),
        }
      : {}),
  };
  const body = stringify(doc).replace(/\n+$/, '');
  return { text: `${headerLine(role)}\n${body}\n`, missingSecrets: [...missing].sort() };
}

/** One `[providers."<name>"]` table: Kimi Code's type, the key by name or value, and no model refresh. */
function providerTable(
  role: RoleSpec,
  name: string,
  provider: Provider,
  keys: KeyMode,
  lookup: KeyLookup,
): Record<string, unknown> {
  const type = TYPES[provider.type];
  if (!type)
    throw new InvalidSpecError(role.name, `provider "${name}" has type "${provider.type}", which Kimi Code cannot use`);
  const table: Record<string, unknown> = { type, base_url: provider.baseUrl };
  if (keys === 'config') table.api_key = lookup(provider.apiKeyEnv);
  else if (provider.apiKeyEnv) {
    lookup(provider.apiKeyEnv); // recorded as missing when hero_team cannot supply it at launch either
    table.api_key_env = provider.apiKeyEnv;
  }
  if (provider.customHeaders) table.custom_headers = sortedRecord(provider.customHeaders);
  // "static": Kimi never rewrites this provider's model list into config.toml (no fight with hero_team).
  table.model_source = 'static';
  return table;
}

/** Sorted `[models."<alias>"]` tables for every catalog model served by a rendered provider. */
function modelTables(role: RoleSpec, catalog: Catalog, providers: ReadonlySet<string>): Record<string, unknown> {
  const aliases = Object.keys(catalog.models)
    .filter((alias) => providers.has(catalog.models[alias].provider))
    .sort();
  return Object.fromEntries(
    aliases.map((alias) => [
      alias,
      modelTable(catalog.models[alias], alias === role.model ? role.maxContextSize : undefined),
    ]),
  );
}

/** One model table; `maxContextSize` overrides the catalog's value. */
function modelTable(model: Model, maxContextSize: number | undefined): Record<string, unknown> {
  const table: Record<string, unknown> = {
    provider: model.provider,
    model: model.model,
    max_context_size: maxContextSize ?? model.maxContextSize,
  };
  if (model.maxOutputSize !== undefined) table.max_output_size = model.maxOutputSize;
  const capabilities = model.capabilities ?? impliedCapabilities(model.model);
  if (capabilities.length) table.capabilities = [...capabilities];
  if (model.displayName !== undefined) table.display_name = model.displayName;
  return table;
}

/**
 * kimi-cli gives these models their capabilities at run time; Kimi Code takes them from the model table only
 * (with `model_source = "static"` it never fetches them), and without `thinking` there `[thinking] enabled`
 * has no effect. The same rule, written out.
 */
function impliedCapabilities(modelId: string): string[] {
  const id = modelId.toLowerCase();
  if (id.includes('thinking') || id.includes('reason')) return ['thinking', 'always_thinking'];
  if (id === 'kimi-for-coding' || id === 'kimi-code') return ['thinking', 'image_in', 'video_in'];
  return [];
}
