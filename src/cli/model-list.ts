/** `hero-team model list`: the models of the catalog, built-in and custom, and whether their provider's key is set. */
import { keyCell, readCatalogKeys, sortedEntries, sourceCell } from './catalog-listing.ts';
import { defineCommand } from './command.ts';
import { printListing } from './table.ts';

/** List model aliases. */
export const modelList = defineCommand({
  name: 'model list',
  summary: 'the models roles can use: alias, provider, model id, context, key set or not',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'print the models as JSON (key values are never shown)' } },
  examples: ['model list'],
  async run({ values, io, config }) {
    const { catalog, custom, keySet } = await readCatalogKeys(config, io.env);
    const rows = sortedEntries(catalog.models).map(([alias, m]) => {
      const keyEnv = Object.hasOwn(catalog.providers, m.provider)
        ? catalog.providers[m.provider]!.apiKeyEnv
        : undefined;
      return { alias, ...m, custom: Object.hasOwn(custom.models, alias), keyEnv, keySet: keySet(keyEnv) };
    });
    const header = ['ALIAS', 'PROVIDER', 'MODEL', 'CONTEXT', 'KEY', 'SOURCE'];
    return printListing(io, values.json, rows, header, (r) => [
      r.alias,
      r.provider,
      r.model,
      String(r.maxContextSize),
      keyCell(r.keyEnv, r.keySet),
      sourceCell(r.custom),
    ]);
  },
});
