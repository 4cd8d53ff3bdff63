/** The manager: maps every change to role names, owns one actor per role, bounds concurrent reconciles, resyncs periodically. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import PQueue from 'p-queue';
import { createActor, fromPromise, waitFor, type ActorRefFrom } from 'xstate';
import type { Clock } from '../clock.ts';
import type { Paths, Tuning } from '../config.ts';
import { rolesUsingSkill, specKey } from '../desired/skill-index.ts';
import { InvalidSpecError, errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { manifestCache } from '../observed/manifest.ts';
import { RoleObservations } from '../observed/role-observations.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { isOwnWrite } from './echo-filter.ts';
import type { EventTarget } from './event-map.ts';
import { SyncBarrier } from './durability.ts';
import { RenderMemo } from './render/memo.ts';
import { reconcileRole, type ReconcileDeps, type ReconcileOutcome } from './reconcile.ts';
import { roleMachine } from './role-machine.ts';
import { Sources } from './sources.ts';
import { StatusBook } from './status-book.ts';
import { ProblemLog, outcomeProblems } from './problem-log.ts';
import { startSourceWatchers, type SourceWatchers, type WatchedTree, type WatchState } from './source-watchers.ts';

/** Everything the manager needs, injected. */
export interface ManagerDeps {
  paths: Paths;
  tuning: Tuning;
  env: NodeJS.ProcessEnv;
  clock: Clock;
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
  /** Role-dir events that arrived while the role reconciled, judged by the echo filter once it is done. */
  private readonly heldEvents = new Map<string, Set<string>>();
  /** Paths each role's last apply deleted (their events are echoes too). */
  private readonly lastDeleted = new Map<string, readonly string[]>();
  private watchers: SourceWatchers | undefined;
  /** Registry scope changes made while the watchers start (set only then). */
  private scopeChangedWhileStarting: Set<string> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly deps: ManagerDeps) {
    this.status = new StatusBook(deps.clock);
    this.problems = new ProblemLog(deps.log);
    this.sources = new Sources(deps.paths);
    this.queue = new PQueue({ concurrency: deps.tuning.concurrency });
  }

  /** Load inputs, start watchers, and queue every role. */
  async start(): Promise<void> {
    await mkdir(this.deps.paths.rolesDir, { recursive: true });
    await this.sources.loadAll();
    this.reportSourceErrors();
    const load = this.sources.digestLoad;
    if (load?.state === 'ignored') this.deps.log.warn({ reason: load.reason }, 'digest cache ignored; files are hashed again');
    void this.saveDigests();
    if (this.deps.watch) {
      const scope = (name: string) => this.sources.scope.has(name);
      this.scopeChangedWhileStarting = new Set();
      this.watchers = await startSourceWatchers(this.deps.paths, this.deps.log, (t) => void this.onTarget(t), (tree, state) => this.onWatchState(tree, state), scope);
      if (this.stopping) {
        await this.watchers.close(); // stop() ran while the watches were being set: it could not close them
        return;
      }
      // A store reload while the watches were being set (its followScope found no watchers yet).
      const changed = [...this.scopeChangedWhileStarting];
      this.scopeChangedWhileStarting = undefined;
      await this.followScope({ added: changed.filter(scope), removed: changed.filter((name) => !scope(name)) });
    }
    this.scheduleResync();
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
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = [...this.actors.values()].some((a) => {
        const state = a.getSnapshot().value;
        return state === 'debouncing' || state === 'reconciling';
      });
      if (!busy && this.queue.size === 0 && this.queue.pending === 0) return;
      if (Date.now() > deadline) throw new Error('manager did not settle in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stop: no new work, watchers closed, in-flight reconciles finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.resyncTimer);
    await this.watchers?.close();
    for (const actor of this.actors.values()) actor.send({ type: 'STOP' });
    await Promise.all([...this.actors.values()].map((a) => waitFor(a, (s) => s.status === 'done', { timeout: 120_000 }).catch(() => {})));
    await this.queue.onIdle();
    this.barrier.close();
    await this.saveDigests();
  }

  /** Names of roles with an actor. */
  roleNames(): string[] {
    return [...this.actors.keys()].sort();
  }

  private async onTarget(t: EventTarget): Promise<void> {
    const roles = this.sources.store?.roles ?? [];
    if (t.kind === 'role') await this.onRoleEvent(t.role, t.path);
    else if (t.kind === 'skill') {
      // A skill no role whitelists is out of scope: not indexed, nothing to do (only the root's watch sees it).
      if (!this.sources.scope.has(t.skill)) return;
      this.sources.registry.freshness.invalidate(t.skill);
      rolesUsingSkill(roles, t.skill).forEach((r) => this.wake(r));
    } else if (t.kind === 'store') {
      await this.reloadStore();
    } else if (t.kind === 'services') {
      if (await this.sources.loadServices()) roles.filter((r) => r.mcp.length).forEach((r) => this.wake(r.name, true));
      else this.reportSourceErrors();
    } else if (t.kind === 'secrets') roles.forEach((r) => this.wake(r.name));
    else if (t.kind === 'registry-root') {
      await this.sources.scanRegistry();
      roles.forEach((r) => this.wake(r.name));
    }
  }

  /** Re-read store.json: a valid one comes into force (scope followed, changed roles woken); an invalid one is reported. */
  private async reloadStore(): Promise<void> {
    if (await this.sources.loadStore()) {
      this.deps.log.info({ roles: this.sources.store!.roles.length }, 'store reloaded');
      await this.followScope(this.sources.rescope());
      await this.wakeAll(false);
    } else this.reportSourceErrors();
  }

  /** Under a role's lock: reload the store now if store.json changed and its watcher event is still on the way. */
  private readonly refreshStore = async (): Promise<boolean> => {
    if (!this.sources.storeFileChanged()) return false;
    await this.reloadStore();
    return true;
  };

  /**
   * A change in a role directory wakes the role unless it is the echo of our own write (echo-filter.ts). While
   * the role reconciles, its manifest on disk is in flux: the event is held and judged when the reconcile ends.
   */
  private async onRoleEvent(role: string, path: string): Promise<void> {
    this.observations.changed(join(this.deps.paths.rolesDir, role), path);
    const held = this.heldEvents.get(role);
    if (held) {
      held.add(path);
      return;
    }
    if (!(await this.isEcho(role, path))) this.wake(role);
  }

  /** Events held during a reconcile: one that is not an echo of its writes wakes the role again. */
  private async wakeUnlessEchoes(role: string, paths: Iterable<string>): Promise<void> {
    for (const path of paths) {
      if (await this.isEcho(role, path)) continue;
      this.wake(role);
      return;
    }
  }

  private async isEcho(role: string, path: string): Promise<boolean> {
    try {
      return await isOwnWrite(join(this.deps.paths.rolesDir, role), path, this.manifests, this.lastDeleted.get(role));
    } catch {
      return false; // when in doubt, reconcile
    }
  }

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
      const spec = this.sources.store?.roles.find((r) => r.name === name);
      this.status.started(name, !spec);
      const held = new Set<string>();
      this.heldEvents.set(name, held);
      try {
        let done: ReconcileOutcome | undefined;
        try {
          done = await reconcileRole(name, this.reconcileDeps(), { sweepTemps: !this.swept.has(name) });
        } finally {
          this.heldEvents.delete(name);
          this.lastDeleted.set(name, done?.result ? (done.plan?.deletes.map((d) => d.path) ?? []) : []);
          await this.wakeUnlessEchoes(name, held);
        }
        const outcome = done;
        this.swept.add(name);
        this.status.succeeded(outcome);
        this.problems.report(name, outcomeProblems(outcome));
        if (outcome.result?.sourceChanged.length) {
          // A source changed under the copy: its skill's snapshot is stale whatever the watchers said.
          for (const path of outcome.result.sourceChanged) this.sources.registry.freshness.invalidate(path.split('/')[1]!);
          setImmediate(() => this.wake(name));
        }
      } catch (err) {
        const stalled = err instanceof InvalidSpecError;
        this.status.failed(name, errorMessage(err), stalled);
        this.deps.log.error({ role: name, err: errorMessage(err) }, stalled ? 'role stalled: invalid spec' : 'reconcile failed; will retry');
        throw err;
      }
    }) as Promise<void>;
  }

  private reconcileDeps(): ReconcileDeps {
    const { paths, env, clock, log } = this.deps;
    const { retention } = this.deps.tuning;
    return this.sources.reconcileDeps({ paths, env, clock, log, barrier: this.barrier, renders: this.renders, manifests: this.manifests, observations: this.observations, retention, refreshStore: this.refreshStore });
  }

  /**
   * While a tree is watched in full its events are trusted: registry scans are shared (ScanFreshness), role
   * observations reused (RoleObservations). A failed watch turns that off for the tree, for good.
   */
  private onWatchState(tree: WatchedTree, state: WatchState): void {
    const trust = tree === 'registry' ? this.sources.registry.freshness : this.observations;
    if (state === 'full') return trust.watchedInFull();
    // Also before trust was given (a watch failing during the first walk): it must never be given then.
    if (!trust.watchesIncomplete()) return; // said already
    const what = tree === 'registry' ? 'rescans the skills it uses' : 'observes every file of its role';
    this.deps.log.warn({ tree }, `a directory is not watched: every reconcile ${what} from now on`);
  }

  /** Persist the registry digest cache; it is rebuildable, so a failure is only a warning. */
  private async saveDigests(): Promise<void> {
    try {
      const saved = await this.sources.saveDigests();
      if (saved) this.deps.log.debug({ entries: saved }, 'digest cache saved');
    } catch (err) {
      this.deps.log.warn({ err: errorMessage(err) }, 'digest cache not saved');
    }
  }

  private reportSourceErrors(): void {
    if (this.sources.storeError) this.deps.log.error({ error: this.sources.storeError }, 'store.json invalid: the last valid state stays in force');
    if (this.sources.servicesError) this.deps.log.error({ error: this.sources.servicesError }, 'services.json invalid: the last valid catalog stays in force');
  }

  private scheduleResync(): void {
    if (this.stopping || !(this.deps.resync ?? this.deps.watch)) return;
    const jitter = 0.9 + Math.random() * 0.2;
    this.resyncTimer = setTimeout(() => void this.resync(), this.deps.tuning.resyncMs * jitter);
  }

  /**
   * Registry skills entered or left the scope: watch or unwatch their trees, then make the ones that entered
   * be rescanned and wake their roles (a change made before their watch existed was seen by nobody, and a
   * role may have read them already: a concurrent store reload wakes roles before this watch is set).
   */
  private async followScope(change: { added: string[]; removed: string[] }): Promise<void> {
    if (!change.added.length && !change.removed.length) return;
    if (this.scopeChangedWhileStarting) {
      for (const name of [...change.added, ...change.removed]) this.scopeChangedWhileStarting.add(name);
      return;
    }
    await this.watchers?.rescopeRegistry([...change.added, ...change.removed]);
    const roles = this.sources.store?.roles ?? [];
    for (const name of change.added) {
      this.sources.registry.freshness.invalidate(name);
      rolesUsingSkill(roles, name).forEach((r) => this.wake(r));
    }
    this.deps.log.debug({ added: change.added.length, removed: change.removed.length, scope: this.sources.scope.size }, 'registry scope changed');
  }

  /** Periodic safety net: re-read every input and wake every role. */
  private async resync(): Promise<void> {
    if (this.stopping) return;
    await this.followScope(await this.sources.loadAll());
    this.observations.forgetAll(); // every role observed in full: the net for an event inotify lost
    this.reportSourceErrors();
    void this.saveDigests();
    await this.wakeAll(true);
    this.scheduleResync();
  }
}
