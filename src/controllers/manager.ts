/** The manager: owns one actor per role, runs their reconciles through one bounded queue, wires events to them. */
import { mkdir } from 'node:fs/promises';
import PQueue from 'p-queue';
import { createActor, fromPromise, waitFor, type ActorRefFrom } from 'xstate';
import type { Scheduler } from '../clock.ts';
import type { Paths, Tuning } from '../config.ts';
import { specKey } from '../desired/skill-index.ts';
import { InvalidSpecError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { manifestCache } from '../observed/manifest.ts';
import { RoleObservations } from '../observed/role-observations.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { SyncBarrier } from './durability.ts';
import { EchoGate } from './echo-gate.ts';
import type { EventTarget } from './event-map.ts';
import { reloadStore, routeEvent, trustWatches, type EventRouterDeps } from './event-router.ts';
import { RegistryScope } from './registry-scope.ts';
import { RenderMemo } from './render/memo.ts';
import { reconcileRole, type ReconcileDeps, type ReconcileOutcome } from './reconcile.ts';
import { Resync } from './resync.ts';
import { roleMachine } from './role-machine.ts';
import { Sources, reportSourceErrors, saveDigests } from './sources.ts';
import { startSourceWatchers, type SourceWatchers } from './source-watchers.ts';
import { StatusBook } from './status-book.ts';
import { ProblemLog, outcomeProblems } from './problem-log.ts';

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
}

type RoleActor = ActorRefFrom<typeof roleMachine>;

/** Controller of all roles. */
export class Manager {
  readonly status: StatusBook;
  /** Conflicts, strays, held drift, invalid or missing skills and keys: logged when they change. */
  private readonly problems: ProblemLog;
  readonly sources: Sources;
  private readonly queue: PQueue;
  private readonly actors = new Map<string, RoleActor>();
  private readonly specKeys = new Map<string, string>();
  private readonly swept = new Set<string>();
  private readonly barrier = new SyncBarrier();
  private readonly renders = new RenderMemo();
  private readonly manifests = manifestCache();
  private readonly observations = new RoleObservations();
  private readonly events: EventRouterDeps;
  private readonly resync: Resync;
  private watchers: SourceWatchers | undefined;
  private stopping = false;

  constructor(private readonly deps: ManagerDeps) {
    const { paths, log, clock, tuning } = deps;
    this.status = new StatusBook(clock);
    this.problems = new ProblemLog(log);
    this.sources = new Sources(paths);
    this.queue = new PQueue({ concurrency: tuning.concurrency });
    const wake = (role: string, spec?: boolean) => this.wake(role, spec);
    const wakeAll = (force: boolean) => this.wakeAll(force);
    const scope = new RegistryScope(this.sources, log, wake);
    const echoes = new EchoGate(paths.rolesDir, this.manifests, wake);
    this.events = { sources: this.sources, scope, echoes, observations: this.observations, rolesDir: paths.rolesDir, log, wake, wakeAll };
    this.resync = new Resync({ sources: this.sources, scope, observations: this.observations, clock, log, intervalMs: tuning.resyncMs, wakeAll });
  }

  /** Load inputs, start watchers, and queue every role. */
  async start(): Promise<void> {
    const { paths, log } = this.deps;
    await mkdir(paths.rolesDir, { recursive: true });
    await this.sources.loadAll();
    reportSourceErrors(this.sources, log);
    const load = this.sources.digestLoad;
    if (load?.state === 'ignored') log.warn({ reason: load.reason }, 'digest cache ignored; files are hashed again');
    void saveDigests(this.sources, log);
    if (this.deps.watch) {
      const { scope } = this.events;
      scope.starting();
      this.watchers = await startSourceWatchers(paths, log, (t) => void this.onTarget(t), (tree, state) => trustWatches(tree, state, this.events), scope.has, this.deps.clock);
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
    await this.watchers?.close();
    for (const actor of this.actors.values()) actor.send({ type: 'STOP' });
    await Promise.all([...this.actors.values()].map((a) => waitFor(a, (s) => s.status === 'done', { timeout: 120_000 }).catch(() => {})));
    await this.queue.onIdle();
    this.barrier.close();
    await saveDigests(this.sources, this.deps.log);
  }

  /** Names of roles with an actor. */
  roleNames(): string[] {
    return [...this.actors.keys()].sort();
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
    const catalogKey = JSON.stringify(store.catalog);
    const names = new Set([...store.roles.map((r) => r.name), ...(await listManagedRoleDirs(this.deps.paths.rolesDir)), ...this.specKeys.keys()]);
    for (const name of names) {
      const key = specKey(store.roles.find((r) => r.name === name), catalogKey);
      const changed = this.specKeys.get(name) !== key;
      this.specKeys.set(name, key);
      if (changed || force) this.wake(name, changed);
    }
  }

  private ensureActor(name: string): RoleActor {
    let actor = this.actors.get(name);
    if (actor) return actor;
    const machine = roleMachine.provide({ actors: { reconcile: fromPromise<void, { role: string; attempt: number }>(({ input }) => this.runReconcile(input.role)) } });
    const { debounceMs, backoffBaseMs, backoffMaxMs } = this.deps.tuning;
    actor = createActor(machine, { input: { role: name, debounceMs, backoffBaseMs, backoffMaxMs } });
    this.actors.set(name, actor);
    actor.start();
    return actor;
  }

  private runReconcile(name: string): Promise<void> {
    return this.queue.add(async () => {
      if (this.stopping) return; // queued but not started: nothing half-done to finish
      this.status.started(name, !this.sources.store?.roles.some((r) => r.name === name));
      try {
        const outcome = await this.reconcileHoldingEchoes(name);
        this.swept.add(name);
        this.status.succeeded(outcome);
        this.problems.report(name, outcomeProblems(outcome));
        if (outcome.result?.sourceChanged.length) {
          // A source changed under the copy: its skill's snapshot is stale whatever the watchers said.
          for (const path of outcome.result.sourceChanged) this.sources.registry.freshness.invalidate(path.split('/')[1]!);
          this.deps.clock.setTimer(() => this.wake(name), 0);
        }
      } catch (err) {
        const stalled = err instanceof InvalidSpecError;
        this.status.failed(name, errorMessage(err), stalled);
        this.deps.log.error({ role: name, err: errorMessage(err) }, stalled ? 'role stalled: invalid spec' : 'reconcile failed; will retry');
        throw err;
      }
    }) as Promise<void>;
  }

  /** One reconcile, with the role's events held meanwhile and judged against what it wrote. */
  private async reconcileHoldingEchoes(name: string): Promise<ReconcileOutcome> {
    const { echoes } = this.events;
    echoes.hold(name);
    let done: ReconcileOutcome | undefined;
    try {
      done = await reconcileRole(name, this.reconcileDeps(), { sweepTemps: !this.swept.has(name) });
      return done;
    } finally {
      await echoes.release(name, done?.result ? (done.plan?.deletes.map((d) => d.path) ?? []) : []);
    }
  }

  private reconcileDeps(): ReconcileDeps {
    const { paths, env, clock, log } = this.deps;
    const { retention } = this.deps.tuning;
    return this.sources.reconcileDeps({ paths, env, clock, log, barrier: this.barrier, renders: this.renders, manifests: this.manifests, observations: this.observations, retention, refreshStore: this.refreshStore });
  }
}
