/**
 * Doctor checks of the installation: the roles dir, the store, the secrets file. The entry point; beside it
 * registry-checks.ts (the skills registry) and system-checks.ts (the daemon and inotify); the kimi binary:
 * kimi-checks.ts.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Paths, statePaths } from '../../config.ts';
import { emptyStoreData, type StoreData } from '../../desired/schema.ts';
import { readStore } from '../../desired/store.ts';
import { errorMessage } from '../../errors.ts';
import type { Findings } from './finding.ts';

export { checkRegistry } from './registry-checks.ts';
export { checkDaemon, checkInotify, type SystemProbes } from './system-checks.ts';

/** The roles dir exists (or can be made) and is writable. */
export function checkRolesDir(rolesDir: string, f: Findings): void {
  let at = rolesDir;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    accessSync(at, constants.W_OK);
    if (at !== rolesDir)
      f.add(
        'info',
        'roles-dir.missing',
        `roles dir ${rolesDir} does not exist yet`,
        'it is created by the first sync or by the daemon',
        { file: rolesDir },
      );
  } catch {
    f.add(
      'error',
      'roles-dir.not-writable',
      `roles dir ${rolesDir} is not writable (${at})`,
      `fix its permissions or set KIMI_ROLES_DIR to a writable directory`,
      { file: at },
    );
  }
}

/** The store: readable and valid; undefined when it is not. */
export async function checkStore(paths: Paths, f: Findings): Promise<StoreData | undefined> {
  const file = statePaths(paths.home).store;
  if (!existsSync(file)) {
    f.add(
      'info',
      'store.missing',
      `no store ${file} yet: no roles are declared`,
      'add a role with "hero-team role add NAME --model MODEL"',
      { file },
    );
    return emptyStoreData();
  }
  try {
    return await readStore(file);
  } catch (err) {
    f.add(
      'error',
      'store.invalid',
      errorMessage(err),
      'fix the file at the position shown (the daemon keeps the last valid state until then)',
      { file },
    );
    return undefined;
  }
}

/** secrets.env holds keys: only its owner may read it. */
export function checkSecretsFile(home: string, f: Findings): void {
  const file = statePaths(home).secrets;
  const st = statSync(file, { throwIfNoEntry: false });
  if (st && st.mode & 0o077)
    f.add(
      'warning',
      'secrets.mode',
      `${file} holds API keys and is readable by others (mode 0${(st.mode & 0o777).toString(8)})`,
      `chmod 600 ${file}`,
      { file },
    );
}
