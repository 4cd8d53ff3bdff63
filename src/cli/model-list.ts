/** `hero-team model list`: the models of the catalog, built-in and custom, and whether their provider's key is set. */
import { statePaths } from '../config.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import { readCatalog } from './catalog-store.ts';
import { defineCommand } from './command.ts';
import { EXIT, out } from './io.ts';
import { tableLines } from './table.ts';

/** List model aliases. */
export const modelList = defineCommand({
  name: 'model list',
  summary: 'the models roles can use: alias, provider, model id, context, key set or not',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'print the models as JSON (key values are never shown)' } },
  examples: ['model list'],
  async run({ values, io, config }) {
    const { catalog, custom } = await readCatalog(config);
    const secrets = await readProviderSecrets(statePaths(config.paths.home).secrets, io.env, catalog);
    const rows = Object.entries(catalog.models)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([alias, m]) => {
        const keyEnv = Object.hasOwn(catalog.providers, m.provider)
          ? catalog.providers[m.provider]!.apiKeyEnv
          : undefined;
        const keySet = keyEnv ? Boolean(Object.hasOwn(secrets, keyEnv) && secrets[keyEnv]) : false;
        return { alias, ...m, custom: Object.hasOwn(custom.models, alias), keyEnv, keySet };
      });
    if (values.json) {
      out(io, JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    const table = [['ALIAS', 'PROVIDER', 'MODEL', 'CONTEXT', 'KEY', 'SOURCE']];
    for (const r of rows)
      table.push([
        r.alias,
        r.provider,
        r.model,
        String(r.maxContextSize),
        r.keyEnv ? `${r.keyEnv} (${r.keySet ? 'set' : 'not set'})` : '-',
        r.custom ? 'custom' : 'built-in',
      ]);
    for (const line of tableLines(table)) out(io, line);
    return EXIT.ok;
  },
});
