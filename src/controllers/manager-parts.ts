/**
 * The manager's parts besides its actors and queue: the inputs in force, the status book, what one process shares
 * between reconciles, and the event router, resync, watches and reconcile runner, each wired to the others.
 */
import type { Scheduler } from '../clock.ts';
import type { Paths, Tuning } from '../config.ts';
import { StagingMemory } from '../fs/staged-dir.ts';
import { SyncBarrier } from '../fs/syncfs.ts';
import type { Logger } from '../log.ts';
import { manifestCache } from '../observed/manifest.ts';
import { RoleObservations } from '../observed/role-observations.ts';
import { ObservedSnapshot } from '../observed/snapshot.ts';
import { EchoGate } from './echo-gate.ts';
import { type EventRouterDeps, reloadStore } from './event-router.ts';
import { ProblemLog } from './problem-log.ts';
import { BulkLane } from './reconcile/bulk-lane.ts';
import { RegistryScope } from './registry-scope.ts';
import { RenderMemo } from './render/memo.ts';
import { Resync } from './resync.ts';
import { RoleRunner } from './role-runner.ts';
import { Sources } from './sources.ts';
import { StatusBook } from './status-book.ts';
import { Watching } from './watching.ts';

/** What the parts are built from. */
export interface PartsDeps {
  paths: Paths;
  tuning: Tuning;
  env: NodeJS.ProcessEnv;
  clock: Scheduler;
  log: Logger;
}

/** How the parts reach the manager's actors. */
export interface Wakes {
  /** Queue one role (`spec`: its inputs changed, which also un-stalls it). */
  wake(role: string, spec?: boolean): void;
  /** Queue every role (`force`: also those whose spec is unchanged). */
  wakeAll(force: boolean): Promise<void>;
}

/** The parts, built once per manager. */
export interface ManagerParts {
  sources: Sources;
  status: StatusBook;
  /** The shared syncfs of large write batches, closed when the manager stops. */
  barrier: SyncBarrier;
  events: EventRouterDeps;
  resync: Resync;
  watching: Watching;
  runner: RoleRunner;
}

/** Build the parts and wire them to each other and to `wakes`. */
export function buildParts(deps: PartsDeps, wakes: Wakes): ManagerParts {
  const { paths, env, log, clock, tuning } = deps;
  const now = () => clock.now();
  const sources = new Sources(paths);
  const status = new StatusBook(clock);
  const [manifests, observations, renders, barrier, staging, bulk] = [
    manifestCache(now),
    new RoleObservations(),
    new RenderMemo(),
    new SyncBarrier(),
    new StagingMemory(),
    new BulkLane(),
  ];
  const { wake, wakeAll } = wakes;
  const snapshot = new ObservedSnapshot(paths, sources.registry, observations);
  const scope = new RegistryScope(sources, snapshot, log, wake);
  const echoes = new EchoGate(paths.rolesDir, manifests, wake);
  const events: EventRouterDeps = { sources, scope, echoes, snapshot, rolesDir: paths.rolesDir, log, wake, wakeAll };
  const resync = new Resync({ sources, scope, snapshot, clock, log, intervalMs: tuning.resyncMs, wakeAll });
  const watching = new Watching({ paths, log, clock, scope, snapshot });
  // Under a role's lock: reload the store now if store.json changed and its watcher event is still on the way.
  const refreshStore = async (): Promise<boolean> => {
    if (!sources.storeFileChanged()) return false;
    await reloadStore(events);
    return true;
  };
  const { retention } = tuning;
  const reconcileDeps = () =>
    sources.reconcileDeps({
      paths,
      env,
      clock,
      log,
      barrier,
      staging,
      bulk,
      renders,
      manifests,
      observations,
      retention,
      refreshStore,
    });
  const problems = new ProblemLog(log);
  const runner = new RoleRunner({ sources, snapshot, status, problems, echoes, clock, log, reconcileDeps, wake });
  return { sources, status, barrier, events, resync, watching, runner };
}
