/**
 * The registry digest cache on disk: how its load went, and saving it when files were hashed since. It is
 * rebuildable, so an ignored load or a failed save is only a warning.
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Sources } from './sources.ts';

/** Persist the registry digest cache; it is rebuildable, so a failure is only a warning. */
export async function saveDigests(sources: Sources, log: Logger): Promise<void> {
  try {
    const saved = await sources.saveDigests();
    if (saved) log.debug({ entries: saved }, 'digest cache saved');
  } catch (err) {
    log.warn({ err: errorMessage(err) }, 'digest cache not saved');
  }
}

/** After the first scan: say if the cache on disk was ignored, and save what the scan hashed (in the background). */
export function afterFirstScan(sources: Sources, log: Logger): void {
  const load = sources.digestLoad;
  if (load?.state === 'ignored') log.warn({ reason: load.reason }, 'digest cache ignored; files are hashed again');
  void saveDigests(sources, log);
}
