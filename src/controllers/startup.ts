/** The daemon's first reads, before anything is watched or woken. */
import { mkdir } from 'node:fs/promises';
import { type Paths, statePaths } from '../config.ts';
import type { Logger } from '../log.ts';
import { secretsFileWarning } from '../observed/secrets.ts';
import { reportSourceErrors, type Sources } from './sources.ts';

/** Make the roles dir, load every input (logging an invalid one), and warn when the secrets file is exposed. */
export async function loadInputs(sources: Sources, paths: Paths, log: Logger): Promise<void> {
  await mkdir(paths.rolesDir, { recursive: true });
  await sources.loadAll();
  reportSourceErrors(sources, log);
  const exposed = secretsFileWarning(statePaths(paths.home).secrets);
  if (exposed) log.warn(exposed);
}
