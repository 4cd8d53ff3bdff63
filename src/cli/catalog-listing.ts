/** What `model list` and `provider list` share: the catalog in force, whether each key variable is set, the columns. */
import { type Config, statePaths } from '../config.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import { readCatalog } from './catalog-store.ts';

/** The catalog in force, its custom entries, and whether a key variable holds a key (never the key itself). */
export async function readCatalogKeys(config: Config, env: NodeJS.ProcessEnv) {
  const { catalog, custom } = await readCatalog(config);
  const secrets = await readProviderSecrets(statePaths(config.paths.home).secrets, env, catalog);
  const keySet = (variable: string | undefined) =>
    variable ? Boolean(Object.hasOwn(secrets, variable) && secrets[variable]) : false;
  return { catalog, custom, keySet };
}

/** A record's entries sorted by key. */
export function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The KEY column: the variable and whether it is set, or "-" without one. */
export function keyCell(variable: string | undefined, set: boolean): string {
  return variable ? `${variable} (${set ? 'set' : 'not set'})` : '-';
}

/** The SOURCE column. */
export function sourceCell(custom: boolean): string {
  return custom ? 'custom' : 'built-in';
}
