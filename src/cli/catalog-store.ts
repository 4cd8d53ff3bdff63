/** The one place catalog commands change the store: add and remove custom models and providers (validated first). */
import type { Config } from '../config.ts';
import { builtinCatalog, catalogProvider, effectiveCatalog } from '../desired/catalog-defaults.ts';
import type { Model, Provider, StoreData } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import { loadStoreFor, mutateStoreFor } from './store-access.ts';

/** Model aliases: letters, digits and `._:/-` (e.g. `openrouter/kimi-k2`); no `__proto__`-like names. */
export const MODEL_ALIAS_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** Custom provider names; no `:`, so never Kimi's reserved `managed:` prefix. */
export const PROVIDER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Add a custom model; its provider must exist, the alias must be new. */
export async function addModel(config: Config, alias: string, model: Model): Promise<void> {
  if (!MODEL_ALIAS_RE.test(alias))
    throw new InputError(
      'ALIAS',
      `invalid model alias "${alias}": use letters, digits and . _ : / - (e.g. "openrouter/kimi-k2")`,
    );
  await mutateStoreFor(config, (data) => {
    const catalog = effectiveCatalog(data.catalog);
    if (Object.hasOwn(catalog.models, alias))
      throw new InputError('ALIAS', `model "${alias}" already exists; remove it first ("hero-team model rm ${alias}")`);
    if (!catalogProvider(catalog, model.provider))
      throw new InputError(
        'provider',
        `unknown provider "${model.provider}"; known providers: ${Object.keys(catalog.providers).sort().join(', ')}`,
      );
    data.catalog.models[alias] = model;
    return data;
  });
}

/** Remove a custom model; refused for a built-in one and while a role uses it. */
export async function removeModel(config: Config, alias: string): Promise<void> {
  await removeCustom(config, 'models', alias, 'ALIAS', (data) => {
    const users = data.roles.filter((r) => r.model === alias).map((r) => r.name);
    if (users.length)
      return `model "${alias}" is used by role(s) ${users.join(', ')}; give them another model first ("hero-team role set NAME --model M")`;
  });
}

/** Add a custom provider (the NAME of the variable holding its key, never the key). */
export async function addProvider(config: Config, name: string, provider: Provider): Promise<void> {
  if (!PROVIDER_NAME_RE.test(name))
    throw new InputError(
      'NAME',
      `invalid provider name "${name}": use letters, digits, ".", "_" and "-" ("managed:" names are Kimi's own)`,
    );
  await mutateStoreFor(config, (data) => {
    if (catalogProvider(effectiveCatalog(data.catalog), name))
      throw new InputError(
        'NAME',
        `provider "${name}" already exists; remove it first ("hero-team provider rm ${name}")`,
      );
    data.catalog.providers[name] = provider;
    return data;
  });
}

/** Remove a custom provider; refused for a built-in one and while a model uses it. */
export async function removeProvider(config: Config, name: string): Promise<void> {
  await removeCustom(config, 'providers', name, 'NAME', (data) => {
    const models = Object.entries(effectiveCatalog(data.catalog).models)
      .filter(([, m]) => m.provider === name)
      .map(([a]) => a);
    if (models.length)
      return `provider "${name}" is used by model(s) ${models.join(', ')}; remove them first ("hero-team model rm ALIAS")`;
  });
}

/**
 * Remove the custom entry `key` of a catalog section (`arg` names it in errors): refused for a built-in entry,
 * and while `inUse` says what still uses it.
 */
async function removeCustom(
  config: Config,
  section: 'models' | 'providers',
  key: string,
  arg: string,
  inUse: (data: StoreData) => string | undefined,
): Promise<void> {
  const noun = section === 'models' ? 'model' : 'provider';
  await mutateStoreFor(config, (data) => {
    if (!Object.hasOwn(data.catalog[section], key)) {
      throw new InputError(
        arg,
        Object.hasOwn(builtinCatalog()[section], key)
          ? `${noun} "${key}" is built in and cannot be removed`
          : `no custom ${noun} "${key}" (see "hero-team ${noun} list")`,
      );
    }
    const refusal = inUse(data);
    if (refusal) throw new InputError(arg, refusal);
    delete data.catalog[section][key];
    return data;
  });
}

/** The catalog in force and which entries are custom. */
export async function readCatalog(config: Config) {
  const store = await loadStoreFor(config);
  return { catalog: effectiveCatalog(store.catalog), custom: store.catalog, roles: store.roles };
}
