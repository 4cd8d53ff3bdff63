/** Provider keys from the environment and HERO_TEAM_HOME/secrets.env; the values go into renders and nowhere else. */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'dotenv';
import { type Catalog, ENV_NAME_RE } from '../desired/schema.ts';

/** Parse a dotenv file by dotenv's rules: quotes, `# comments` (also after a value), `export`, multi-line values. */
export function parseEnvFile(text: string): Record<string, string> {
  return parse(text);
}

/** A warning when other users can read secrets.env (group or others bits); undefined when it is private or absent. */
export function secretsFileWarning(file: string): string | undefined {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st || (st.mode & 0o077) === 0) return undefined;
  return `${file} is readable by others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): it holds keys; run chmod 600 ${file}`;
}

/** The values of the named variables: the environment wins over secrets.env; empty values count as unset. */
export async function readSecrets(
  file: string,
  env: NodeJS.ProcessEnv,
  names: Iterable<string>,
): Promise<Record<string, string>> {
  let fromFile: Record<string, string> = {};
  try {
    // Usually absent (keys come from the environment): a stat that says so costs far less than a thrown ENOENT.
    if (statSync(file, { throwIfNoEntry: false })) fromFile = parseEnvFile(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const out: Record<string, string> = {};
  for (const name of names) {
    if (!ENV_NAME_RE.test(name)) continue;
    const value = env[name] || fromFile[name];
    if (value) out[name] = value;
  }
  return out;
}

/** The keys of every provider in the catalog (by the variable each names), from the env and `secretsFile`. */
export function readProviderSecrets(
  secretsFile: string,
  env: NodeJS.ProcessEnv,
  catalog: Catalog,
): Promise<Record<string, string>> {
  const names = Object.values(catalog.providers).flatMap((p) => (p.apiKeyEnv ? [p.apiKeyEnv] : []));
  return readSecrets(secretsFile, env, names);
}
