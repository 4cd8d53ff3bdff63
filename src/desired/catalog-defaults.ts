/** Built-in providers and models (DESIGN §4); the store may add or override entries. */
import type { Catalog } from './schema.ts';

/** The managed providers every role's config.toml carries. */
export const MANAGED_PROVIDERS = ['managed:kimi-code', 'managed:groq', 'managed:sambanova'] as const;

/** The default model alias for new roles. */
export const DEFAULT_MODEL = 'kimi-code/kimi-for-coding';

/** Built-in catalog; a fresh object each call so callers may mutate it. */
export function builtinCatalog(): Catalog {
  return {
    providers: {
      'managed:kimi-code': { type: 'kimi', baseUrl: 'https://api.kimi.com/coding/v1', apiKeyEnv: 'KIMI_API_KEY' },
      'managed:groq': { type: 'openai_legacy', baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' },
      'managed:sambanova': {
        type: 'openai_legacy',
        baseUrl: 'https://api.sambanova.ai/v1',
        apiKeyEnv: 'SAMBANOVA_API_KEY',
      },
    },
    models: {
      'kimi-code/kimi-for-coding': { provider: 'managed:kimi-code', model: 'kimi-for-coding', maxContextSize: 262144 },
      'groq/kimi-k2-instruct': {
        provider: 'managed:groq',
        model: 'moonshotai/kimi-k2-instruct-0905',
        maxContextSize: 262144,
        maxOutputSize: 16384,
      },
      'sambanova/llama-3.3-70b': {
        provider: 'managed:sambanova',
        model: 'Meta-Llama-3.3-70B-Instruct',
        maxContextSize: 131072,
        maxOutputSize: 8192,
      },
    },
  };
}

/** The catalog in force: built-ins with the store's entries merged over them. */
export function effectiveCatalog(stored: Catalog): Catalog {
  const base = builtinCatalog();
  return {
    providers: { ...base.providers, ...stored.providers },
    models: { ...base.models, ...stored.models },
  };
}

/** A catalog model by alias: own entries only, so `constructor` or `__proto__` is no model. */
export function catalogModel(catalog: Catalog, alias: string): Catalog['models'][string] | undefined {
  return Object.hasOwn(catalog.models, alias) ? catalog.models[alias] : undefined;
}

/** A catalog provider by name: own entries only, so `toString` is no provider. */
export function catalogProvider(catalog: Catalog, name: string): Catalog['providers'][string] | undefined {
  return Object.hasOwn(catalog.providers, name) ? catalog.providers[name] : undefined;
}
