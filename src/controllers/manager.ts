/** The manager: owns one actor per role, runs their reconciles through one bounded queue, wires events to them. */
import { mkdir } from 'node:fs/promises';
import PQueue from 'p-queue';
import { type ActorRefFrom, createActor, fromPromise, waitFor } from 'xstate';
import type { Scheduler } from '../clock.ts';
import { type Paths, statePaths, type Tuning } from '../config.ts';
import { SyncBarrier } from '../fs/syncfs.ts';
import type { Logger } from '../log.ts';
import type { ServiceDiscovery } from '../observed/discovery/poller.ts';
import { manifestCache } from '../observed/manifest.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { RoleObservations } from '../observed/role-observations.ts';
import { secretsFileWarning } from '../observed/secrets.ts';
import { ObservedSnapshot } from '../observed/snapshot.ts';
import { type DiscoverySettings, startDiscovery } from './discovery-link.ts';
import { EchoGate } from './echo-gate.ts';
import type { EventTarget } from './event-map.ts';
import { type EventRouterDeps, reloadStore, routeEvent, trustWatches } from './event-router.ts';
import { ProblemLog } from './problem-log.ts';
import { RegistryScope } from './registry-scope.ts';
import { RenderMemo } from './render/memo.ts';
import { Resync } from './resync.ts';
import { roleMachine } from './role-machine.ts';
import { RoleRunner } from './role-runner.ts';
import { type SourceWatchers, startSourceWatchers, type WatchedTree, type WatchState } from './source-watchers.ts';
import { reportSourceErrors, Sources, saveDigests } from './sources.ts';
import { SpecChanges } from './spec-changes.ts';
import { StatusBook } from './status-book.ts';

/** Everything the manager needs, injected. */
export interface ManagerDeps {
  paths: Paths;
  tuning: Tuning;
  env: NodeJS.ProcessEnv;
  clock: Scheduler;
  log: Logger;
  /** Start file watchers (the daemon); false for one-shot use in tests. */
  watch: boolean;
  /** Run the periodic resync; defaults to `watch`. */
  resync?: boolean;
  /** Live service discovery (the daemon, with `watch`); none: services.json and the kept list only. */
  discovery?: DiscoverySettings;
}

type RoleActor = ActorRefFrom<typeof roleMachine>;

/** What the manager reports about itself (Manager.introspect). */
export interface ManagerIntrospection {
  queue: { waiting: number; running: number };
  /** `complete`: every directory of the roles dir and the registry has its watch. */
  watches: { count: number; complete: boolean; trees: Partial<Record<WatchedTree, WatchState>> };
  resync: { intervalMs: number; nextAt?: number };
}

/** Controller of all roles. */
export class Manager {
  readonly status: StatusBook;
  readonly sources: Sources;
  private readonly queue: PQueue;
  private readonly actors = new Map<string, RoleActor>();
  private readonly specs = new SpecChanges();
  private readonly barrier = new SyncBarrier();
  private readonly events: EventRouterDeps;
  private readonly resync: Resync;
  private readonly runner: RoleRunner;
  private readonly wakeListeners = new Set<(role: string) => void>();
  private watchers: SourceWatchers | undefined;
  /** How complete each tree's watches are (a failed watch makes a tree incomplete for good). */
  private readonly watchStates: Partial<Record<WatchedTree, WatchState>> = {};
  private stopping = false;
  /** The discovery poller, while the daemon runs one. */
  discovery: ServiceDiscovery | undefined;

  constructor(private readonly deps: ManagerDeps) {
    const { paths, env, log, clock, tuning } = deps;
    const sources = (this.sources = new Sources(paths));
    const status = (this.status = new StatusBook(clock));
    this.queue = new PQueue({ concurrency: tuning.concurrency });
    const [manifests, observations, renders, barrier] = [
      manifestCache(),
      new RoleObservations(),
      new RenderMemo(),
      this.barrier,
    ];
    const wake = (role: string, spec?: boolean) => this.wake(role, spec);
    const wakeAll = (force: boolean) => this.wakeAll(force);
    const snapshot = new ObservedSnapshot(paths, sources.registry, observations);
    const scope = new RegistryScope(sources, snapshot, log, wake);
    const echoes = new EchoGate(paths.rolesDir, manifests, wake);
    this.events = { sources, scope, echoes, snapshot, rolesDir: paths.rolesDir, log, wake, wakeAll };
    this.resync = new Resync({ sources, scope, snapshot, clock, log, intervalMs: tuning.resyncMs, wakeAll });
    const { retention } = tuning;
    const refreshStore = this.refreshStore;
    const reconcileDeps = () =>
      sources.reconcileDeps({
        paths,
        env,
        clock,
        log,
        barrier,
        renders,
        manifests,
        observations,
        retention,
        refreshStore,
      });
    const problems = new ProblemLog(log);
    this.runner = new RoleRunner({ sources, snapshot, status, problems, echoes, clock, log, reconcileDeps, wake });
  }

  /** Load inputs, start watchers, and queue every role. */
  async start(): Promise<void> {
    const { paths, log } = this.deps;
    await mkdir(paths.rolesDir, { recursive: true });
    await this.sources.loadAll();
    reportSourceErrors(this.sources, log);
    const exposed = secretsFileWarning(statePaths(paths.home).secrets);
    if (exposed) log.warn(exposed);
    if (this.deps.discovery && this.deps.watch) {
      const { sources, status } = this;
      this.discovery = await startDiscovery(this.deps.discovery, {
        sources,
        status,
        clock: this.deps.clock,
        log,
        home: paths.home,
        wake: (r, spec) => this.wake(r, spec),
      });
    }
    const load = this.sources.digestLoad;
    if (load?.state === 'ignored') log.warn({ reason: load.reason }, 'digest cache ignored; files are hashed again');
    void saveDigests(this.sources, log);
    if (this.deps.watch) {
      const { scope } = this.events;
      scope.starting();
      this.watchers = await startSourceWatchers(
        paths,
        log,
        (t) => void this.onTarget(t),
        (tree, state) => this.onWatchState(tree, state),
        scope.has,
        this.deps.clock,
      );
      if (this.stopping) return this.watchers.close(); // stop() ran while the watches were being set
      await scope.watching(this.watchers);
    }
    if (this.deps.resync ?? this.deps.watch) this.resync.schedule();
    await this.wakeAll(true);
  }

  /** Queue a hint for one role (SPEC also un-stalls it). */
  wake(name: string, spec = false): void {
    if (this.stopping) return;
    const actor = this.ensureActor(name);
    // Already due to run again after the current reconcile (WAKE and SPEC both only set `dirty` there):
    // skip the machine step. Our own writes send one hint per file while the role reconciles.
    const snap = actor.getSnapshot();
    if (snap.value === 'reconciling' && snap.context.dirty) return;
    actor.send({ type: spec ? 'SPEC' : 'WAKE' });
    for (const listener of this.wakeListeners) {
      try {
        listener(name);
      } catch {
        // a failing listener (a closed dashboard stream) must not stop the wake
      }
    }
  }

  /**
   * Call `listener` with the role's name whenever a role is woken (a change was seen; its reconcile follows after
   * the debounce): the dashboard refreshes on it, so a registry edit shows as stale before the copy is updated.
   * Returns the function that stops listening.
   */
  onWake(listener: (role: string) => void): () => void {
    this.wakeListeners.add(listener);
    return () => void this.wakeListeners.delete(listener);
  }

  /** Resolve when every role actor is at rest (idle, stalled or in backoff) and nothing runs. */
  async settled(timeoutMs = 60_000): Promise<void> {
    const { clock } = this.deps;
    const deadline = clock.now() + timeoutMs;
    const busy = (a: RoleActor) => ['debouncing', 'reconciling'].includes(a.getSnapshot().value as string);
    while ([...this.actors.values()].some(busy) || this.queue.size > 0 || this.queue.pending > 0) {
      if (clock.now() > deadline) throw new Error('manager did not settle in time');
      await clock.sleep(10);
    }
  }

  /** Stop: no new work, watchers closed, in-flight reconciles finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.resync.stop();
    this.discovery?.stop();
    await this.watchers?.close();
    for (const actor of this.actors.values()) actor.send({ type: 'STOP' });
    await Promise.all(
      [...this.actors.values()].map((a) =>
        waitFor(a, (s) => s.status === 'done', { timeout: 120_000 }).catch(() => {}),
      ),
    );
    await this.queue.onIdle();
    this.barrier.close();
    await saveDigests(this.sources, this.deps.log);
  }

  /** Names of roles with an actor. */
  roleNames(): string[] {
    return [...this.actors.keys()].sort();
  }

  /** Re-read store.json now and wake the roles it changed (after a write of ours: no wait for the watcher). */
  async reloadStore(): Promise<void> {
    if (!this.stopping) await reloadStore(this.events);
  }

  /** Queue, watches and resync schedule, for the status document and metrics. */
  introspect(): ManagerIntrospection {
    const complete =
      this.watchers !== undefined && this.watchStates.roles === 'full' && this.watchStates.registry === 'full';
    return {
      queue: { waiting: this.queue.size, running: this.queue.pending },
      watches: { count: this.watchers?.count() ?? 0, complete, trees: { ...this.watchStates } },
      resync: { intervalMs: this.deps.tuning.resyncMs, nextAt: this.resync.nextAt },
    };
  }

  private onWatchState(tree: WatchedTree, state: WatchState): void {
    if (this.watchStates[tree] !== 'incomplete') this.watchStates[tree] = state;
    trustWatches(tree, state, this.events);
  }

  private onTarget(t: EventTarget): Promise<void> {
    return routeEvent(t, this.events);
  }

  /** Under a role's lock: reload the store now if store.json changed and its watcher event is still on the way. */
  private readonly refreshStore = async (): Promise<boolean> => {
    if (!this.sources.storeFileChanged()) return false;
    await reloadStore(this.events);
    return true;
  };

  /** Wake every role in the store and every managed directory; SPEC for roles whose spec changed. */
  private async wakeAll(force: boolean): Promise<void> {
    const store = this.sources.store;
    if (!store) return; // no valid desired state yet: touch nothing
    const managed = await listManagedRoleDirs(this.deps.paths.rolesDir);
    for (const [name, changed] of this.specs.update(store, managed)) if (changed || force) this.wake(name, changed);
  }

  private runReconcile(name: string): Promise<void> {
    // Queued but not started when stop() came: nothing half-done to finish.
    return this.queue.add(async () => (this.stopping ? undefined : this.runner.run(name))) as Promise<void>;
  }

  private ensureActor(name: string): RoleActor {
    let actor = this.actors.get(name);
    if (actor) return actor;
    const machine = roleMachine.provide({
      actors: {
        reconcile: fromPromise<void, { role: string; attempt: number }>(({ input }) => this.runReconcile(input.role)),
      },
    });
    const { debounceMs, backoffBaseMs, backoffMaxMs } = this.deps.tuning;
    actor = createActor(machine, {
      input: { role: name, debounceMs, backoffBaseMs, backoffMaxMs, now: () => this.deps.clock.now() },
    });
    this.actors.set(name, actor);
    actor.start();
    return actor;
  }
}
