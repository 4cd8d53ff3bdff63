/** Wires directory watchers on each input and output root to event targets; polls for a missing registry. */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type CancelTimer, type Scheduler, systemClock } from '../clock.ts';
import { type Paths, statePaths } from '../config.ts';
import type { Logger } from '../log.ts';
import { MANIFEST_FILE } from '../observed/manifest.ts';
import { type ScopedTreeWatcher, type TreeWatcher, watchDirEntries, watchTree } from '../observed/watchers.ts';
import { type EventRoots, type EventTarget, isForeignRolePath, mapEventPath } from './event-map.ts';

/** Running watchers of the daemon. */
export interface SourceWatchers {
  /** Watch the trees of these registry entries, or stop watching them, after `registryScope` changed for them. */
  rescopeRegistry(names: Iterable<string>): Promise<void>;
  /** Directories watched now, over every tree. */
  count(): number;
  close(): Promise<void>;
}

/** Poll interval while the registry directory does not exist. */
const REGISTRY_POLL_MS = 2000;

/** How complete a tree's watches are: `full` once every directory has its watch, `incomplete` when one failed. */
export type WatchState = 'full' | 'incomplete';
/** The watched trees whose completeness matters: what may be trusted rests on it (ScanFreshness, RoleObservations). */
export type WatchedTree = 'registry' | 'roles';

/**
 * Start watching the registry, the roles dir and the state files. `registryScope`: the registry entries whose
 * trees are watched (the skills some role whitelists); the registry root itself is always watched, so an entry
 * that appears, goes or is renamed is reported either way.
 */
export async function startSourceWatchers(
  paths: Paths,
  log: Logger,
  onTarget: (t: EventTarget) => void,
  onWatchState: (tree: WatchedTree, state: WatchState) => void = () => {},
  registryScope?: (name: string) => boolean,
  clock: Scheduler = systemClock,
): Promise<SourceWatchers> {
  const files = statePaths(paths.home);
  const roots: EventRoots = {
    skillsDir: paths.skillsDir,
    rolesDir: paths.rolesDir,
    storeFile: files.store,
    servicesFile: files.services,
    secretsFile: files.secrets,
  };
  const emit = (path: string) => {
    const target = mapEventPath(roots, path);
    if (target.kind !== 'none') onTarget(target);
  };
  const onError = (err: unknown) => log.warn({ err: (err as Error)?.message ?? String(err) }, 'watcher error');
  const watched: TreeWatcher[] = [];
  let registry: ScopedTreeWatcher | undefined;
  /** Scope changes asked for before the registry's watcher existed (its walk reads the scope as it goes). */
  const rescopeLater = new Set<string>();
  await mkdir(paths.home, { recursive: true });
  watched.push(watchDirEntries(paths.home, (name) => emit(join(paths.home, name)), onError));
  // Any error of a tree means a directory without its watch (inotify limits, a failed watch).
  const treeError = (tree: WatchedTree) => (err: unknown) => {
    onError(err);
    onWatchState(tree, 'incomplete');
  };
  // Kimi Code's own state in a role directory (sessions/, logs/, cache/…) gets no watch: its churn while an
  // agent works must not wake reconciles, nor spend inotify watches.
  const ignoreRolePath = (p: string) => p.endsWith('/' + MANIFEST_FILE) || isForeignRolePath(paths.rolesDir, p);
  watched.push(await watchTree(paths.rolesDir, { clock, ignore: ignoreRolePath }, emit, treeError('roles')));
  onWatchState('roles', 'full');
  let stopPolling: CancelTimer | undefined;
  let closed = false;
  let registryStarting = false;
  const startRegistry = async () => {
    if (closed || registryStarting || !(await exists(paths.skillsDir))) return false;
    registryStarting = true; // a walk longer than the poll interval must not start a second watcher
    const tree = await watchTree(paths.skillsDir, { clock, within: registryScope }, emit, treeError('registry'));
    if (closed) {
      await tree.close(); // closed while the walk ran
      return false;
    }
    registry = tree;
    watched.push(registry);
    await registry.rescope(rescopeLater);
    rescopeLater.clear();
    onWatchState('registry', 'full');
    return true;
  };
  if (!(await startRegistry())) {
    log.warn({ path: paths.skillsDir }, 'skills registry missing; waiting for it to appear');
    stopPolling = clock.setRepeating(async () => {
      if (registry || !(await startRegistry())) return;
      stopPolling?.();
      log.info({ path: paths.skillsDir }, 'skills registry appeared');
      onTarget({ kind: 'registry-root' });
    }, REGISTRY_POLL_MS);
  }
  return {
    rescopeRegistry: async (names) => {
      if (registry) return registry.rescope(names);
      for (const name of names) rescopeLater.add(name);
    },
    count: () => watched.reduce((n, w) => n + w.count(), 0),
    close: async () => {
      closed = true;
      stopPolling?.();
      await Promise.all(watched.map((w) => w.close()));
    },
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
