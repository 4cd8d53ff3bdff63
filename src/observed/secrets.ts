/** Provider keys from the environment and HERO_TEAM_HOME/secrets.env; values never leave this module's callers' render. */
import { readFileSync, statSync } from 'node:fs';
import { ENV_NAME_RE, type Catalog } from '../desired/schema.ts';

/** Parse a dotenv-style file: KEY=VALUE lines, optional `export`, quotes, `#` comments. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(value: string): string {
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
    const inner = value.slice(1, -1);
    return q === '"' ? inner.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1') : inner;
  }
  return value.replace(/\s+#.*$/, '');
}

/** The values of the named variables: the environment wins over secrets.env; empty values count as unset. */
export async function readSecrets(file: string, env: NodeJS.ProcessEnv, names: Iterable<string>): Promise<Record<string, string>> {
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
export function readProviderSecrets(secretsFile: string, env: NodeJS.ProcessEnv, catalog: Catalog): Promise<Record<string, string>> {
  const names = Object.values(catalog.providers).flatMap((p) => (p.apiKeyEnv ? [p.apiKeyEnv] : []));
  return readSecrets(secretsFile, env, names);
}
