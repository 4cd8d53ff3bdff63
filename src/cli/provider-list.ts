/** `hero-team provider list`: the providers of the catalog with their key variable (set or not, never its value). */
import { statePaths } from '../config.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import { readCatalog } from './catalog-store.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { tableLines } from './table.ts';

/** List providers. */
export const providerList = defineCommand({
  name: 'provider list',
  summary: 'the providers: type, base URL, the variable holding the key (set or not)',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'print the providers as JSON (key values are never shown)' } },
  examples: ['provider list'],
  async run({ values, io, config }) {
    const { catalog, custom } = await readCatalog(config);
    const secrets = await readProviderSecrets(statePaths(config.paths.home).secrets, io.env, catalog);
    const rows = Object.entries(catalog.providers)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, p]) => ({
        name,
        type: p.type,
        baseUrl: p.baseUrl,
        apiKeyEnv: p.apiKeyEnv,
        keySet: p.apiKeyEnv ? Boolean(Object.hasOwn(secrets, p.apiKeyEnv) && secrets[p.apiKeyEnv]) : false,
        custom: Object.hasOwn(custom.providers, name),
      }));
    if (values.json) {
      out(io, JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    const table = [['NAME', 'TYPE', 'BASE URL', 'KEY', 'SOURCE']];
    for (const r of rows)
      table.push([
        r.name,
        r.type,
        r.baseUrl,
        r.apiKeyEnv ? `${r.apiKeyEnv} (${r.keySet ? 'set' : 'not set'})` : '-',
        r.custom ? 'custom' : 'built-in',
      ]);
    for (const line of tableLines(table)) out(io, line);
    return EXIT.ok;
  },
});
