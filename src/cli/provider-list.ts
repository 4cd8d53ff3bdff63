/** `hero-team provider list`: the providers of the catalog with their key variable (set or not, never its value). */
import { keyCell, readCatalogKeys, sortedEntries, sourceCell } from './catalog-listing.ts';
import { defineCommand } from './command.ts';
import { printListing } from './table.ts';

/** List providers. */
export const providerList = defineCommand({
  name: 'provider list',
  summary: 'the providers: type, base URL, the variable holding the key (set or not)',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'print the providers as JSON (key values are never shown)' } },
  examples: ['provider list'],
  async run({ values, io, config }) {
    const { catalog, custom, keySet } = await readCatalogKeys(config, io.env);
    const rows = sortedEntries(catalog.providers).map(([name, p]) => ({
      name,
      type: p.type,
      baseUrl: p.baseUrl,
      apiKeyEnv: p.apiKeyEnv,
      keySet: keySet(p.apiKeyEnv),
      custom: Object.hasOwn(custom.providers, name),
    }));
    return printListing(io, values.json, rows, ['NAME', 'TYPE', 'BASE URL', 'KEY', 'SOURCE'], (r) => [
      r.name,
      r.type,
      r.baseUrl,
      keyCell(r.apiKeyEnv, r.keySet),
      sourceCell(r.custom),
    ]);
  },
});
