/** The `[ROLE...]` arguments of diff, doctor and sync, and the inputs diff and sync read before acting. */
import type { Config } from '../config.ts';
import { Sources } from '../controllers/sources.ts';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { InputError } from '../errors.ts';
import type { CliIo } from './io.ts';

/** Refuse every ROLE argument that is not a role name, before anything is read or written. */
export function checkRoleNames(names: readonly string[]): void {
  const bad = names.filter((n) => !ROLE_NAME_RE.test(n));
  if (bad.length) throw new InputError('ROLE', `invalid role name(s): ${bad.map((n) => `"${n}"`).join(', ')}`);
}

/** Every input in force, or undefined once the reason there is no valid store is on stderr. */
export async function loadSources(config: Config, io: CliIo): Promise<Sources | undefined> {
  const sources = new Sources(config.paths);
  await sources.loadAll();
  if (sources.store) return sources;
  io.stderr.write(`hero-team: ${sources.storeError}\n`);
  return undefined;
}
