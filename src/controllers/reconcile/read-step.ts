/** Step 1 of a reconcile: read the role's manifest (what we wrote there), and sweep what an interrupted write left. */
import { statePaths } from '../../config.ts';
import type { Logger } from '../../log.ts';
import type { FileStamp } from '../../observed/digest.ts';
import { readManifest } from '../../observed/manifest.ts';
import type { Manifest } from '../../observed/role-files.ts';
import { sweepLeftovers } from './sweep.ts';
import type { ReconcileDeps, ReconcileOptions } from './types.ts';

/** The role's manifest as read: null when there is none we may trust here. */
export interface ManifestSeen {
  manifest: Manifest | null;
  /** The manifest file as it was when read (undefined: there was none). */
  manifestStamp?: FileStamp;
}

/** Read role `name`'s manifest in `dir`; a corrupt one, or one of another role, counts as none (nothing is ours). */
export async function readRoleManifest(
  name: string,
  dir: string,
  deps: ReconcileDeps,
  opts: ReconcileOptions,
  log: Logger,
): Promise<ManifestSeen> {
  const manifestRead = await readManifest(dir, deps.manifests);
  if (manifestRead.state === 'corrupt')
    log.warn({ error: manifestRead.error }, 'manifest unreadable: treating every file as not ours');
  let manifest = manifestRead.state === 'ok' ? manifestRead.manifest : null;
  if (manifest && manifest.role !== name) {
    // A copied or renamed role dir (dev → dev.bak): its files are not ours at this path, never prune them.
    log.warn({ manifestRole: manifest.role }, 'manifest belongs to another role: treating every file here as not ours');
    manifest = null;
  }
  if (opts.sweepTemps && !opts.dryRun) {
    const swept = sweepLeftovers(dir, name, manifest, statePaths(deps.paths.home).backups);
    if (swept) log.info({ swept }, 'removed temp files of an interrupted write');
  }
  return { manifest, manifestStamp: manifestRead.state === 'absent' ? undefined : manifestRead.stamp };
}
