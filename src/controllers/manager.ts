/**
 * The manager: one actor per role, their reconciles run through one bounded queue, every event and timer wired to
 * them. The parts it wires (inputs, routing, resync, watches, the reconcile runner) are built in manager-parts.ts.
 */
import PQueue from 'p-queue';
import { TimeSlicer } from '../clock.ts';
import type { ServiceDiscovery } from '../observed/discovery/poller.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { type DiscoverySettings, startDiscovery } from './discovery-link.ts';
import type { EventTarget } from './event-map.ts';
import { reloadStore, routeEvent } from './event-router.ts';
import { buildParts, type ManagerParts, type PartsDeps } from './manager-parts.ts';
import { createRoleActor, isBusy, type RoleActor, stopped } from './role-actor.ts';
import type { Sources } from './sources.ts';
import { SpecChanges } from './spec-changes.ts';
import { loadInputs } from './startup.ts';
import type { StatusBook } from './status-book.ts';
import { WakeListeners } from './wake-listeners.ts';
import type { WatchReport } from './watching.ts';

/** Everything the manager needs, injected. */
export interface ManagerDeps extends PartsDeps {
  /** Start file watchers (the daemon); false for one-shot use in tests. */
  watch: boolean;
  /** Run the periodic resync; defaults to `watch`. */
  resync?: boolean;
  /** Live service discovery (the daemon, with `watch`); none: services.json and the kept list only. */
  discovery?: DiscoverySettings;
}

/** What the manager reports about itself (Manager.introspect). */
export interface ManagerIntrospection {
  queue: { waiting: number; running: number };
  watches: WatchReport;
  resync: { intervalMs: number; nextAt?: number };
}

/** Controller of all roles. */
export class Manager {
  readonly status: StatusBook;
  readonly sources: Sources;
  private readonly parts: ManagerParts;
  private readonly queue: PQueue;
  private readonly actors = new Map<string, RoleActor>();
  private readonly specs = new SpecChanges();
  private readonly wakes = new WakeListeners();
  /** One reconcile of a role through the queue (one function for every actor: they share one machine). */
  private readonly runReconcile = (role: string): Promise<void> =>
    // Queued but not started when stop() came: nothing half-done to finish.
    this.queue.add(async () => (this.stopping ? undefined : this.parts.runner.run(role))) as Promise<void>;
  private stopping = false;
  private readonly wakeRole = (role: string, spec?: boolean) => this.wake(role, spec);
  /** The discovery poller, while the daemon runs one. */
  discovery: ServiceDiscovery | undefined;

  constructor(private readonly deps: ManagerDeps) {
    this.queue = new PQueue({ concurrency: deps.tuning.concurrency });
    this.parts = buildParts(deps, { wake: this.wakeRole, wakeAll: (force) => this.wakeAll(force) });
    ({ sources: this.sources, status: this.status } = this.parts);
  }

  /** Load inputs, start watchers, and queue every role. */
  async start(): Promise<void> {
    const { deps, sources, status } = this;
    const { clock, log, paths } = deps;
    await loadInputs(sources, paths, log);
    const link = { sources, status, clock, log, home: paths.home, wake: this.wakeRole };
    if (deps.discovery && deps.watch) this.discovery = await startDiscovery(deps.discovery, link);
    if (deps.watch) {
      const watching = await this.parts.watching.start(
        (t) => void this.onTarget(t),
        () => this.stopping,
      );
      if (!watching) return; // stop() came while the watches were being set
    }
    if (deps.resync ?? deps.watch) this.parts.resync.schedule();
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
    this.wakes.notify(name);
  }

  /**
   * Call `listener` with each woken role's name (returns the function that stops listening): the dashboard refreshes
   * on it, so a registry edit shows as stale before the reconcile that follows the debounce updates the copy.
   */
  onWake(listener: (role: string) => void): () => void {
    return this.wakes.add(listener);
  }

  /** Resolve when every role actor is at rest (idle, stalled or in backoff) and nothing runs. */
  async settled(timeoutMs = 60_000): Promise<void> {
    const { clock } = this.deps;
    const deadline = clock.now() + timeoutMs;
    while ([...this.actors.values()].some(isBusy) || this.queue.size > 0 || this.queue.pending > 0) {
      if (clock.now() > deadline) throw new Error('manager did not settle in time');
      await clock.sleep(10);
    }
  }

  /** Stop: no new work, watchers closed, in-flight reconciles finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.parts.resync.stop();
    this.discovery?.stop();
    await this.parts.watching.close();
    for (const actor of this.actors.values()) actor.send({ type: 'STOP' });
    await Promise.all([...this.actors.values()].map((a) => stopped(a, this.deps.clock, 120_000)));
    await this.queue.onIdle();
    this.parts.barrier.close();
  }

  /** Names of roles with an actor. */
  roleNames(): string[] {
    return [...this.actors.keys()].sort();
  }

  /** Re-read store.json now and wake the roles it changed (after a write of ours: no wait for the watcher). */
  async reloadStore(): Promise<void> {
    if (!this.stopping) await reloadStore(this.parts.events);
  }

  /** Queue, watches and resync schedule, for the status document and metrics. */
  introspect(): ManagerIntrospection {
    return {
      queue: { waiting: this.queue.size, running: this.queue.pending },
      watches: this.parts.watching.report(),
      resync: { intervalMs: this.deps.tuning.resyncMs, nextAt: this.parts.resync.nextAt },
    };
  }

  /** The running watchers (undefined until started, or without `watch`): tests reach them through the manager. */
  private get watchers() {
    return this.parts.watching.watchers;
  }

  private onTarget(t: EventTarget): Promise<void> {
    return routeEvent(t, this.parts.events);
  }

  /** Wake every role in the store and every managed directory; SPEC for roles whose spec changed. */
  private async wakeAll(force: boolean): Promise<void> {
    const store = this.sources.store;
    if (!store) return; // no valid desired state yet: touch nothing
    const managed = await listManagedRoleDirs(this.deps.paths.rolesDir);
    // Waking a role starts its actor (and its first reconcile): a hundred of them take a while, in slices.
    const slicer = new TimeSlicer();
    for (const [name, changed] of this.specs.update(store, managed)) {
      if (changed || force) this.wake(name, changed);
      await slicer.pauseIfDue();
    }
  }

  private ensureActor(name: string): RoleActor {
    let actor = this.actors.get(name);
    if (actor) return actor;
    const { debounceMs, backoffBaseMs, backoffMaxMs } = this.deps.tuning;
    actor = createRoleActor(name, { debounceMs, backoffBaseMs, backoffMaxMs }, this.deps.clock, this.runReconcile);
    this.actors.set(name, actor);
    actor.start();
    return actor;
  }
}
