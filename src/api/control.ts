/**
 * The control plane the API stands on: the running manager (status book, inputs in force), store mutations
 * through the one store writer, converge-and-wait, readiness, and a subscription to status changes.
 * One per daemon, shared by every app and listener (rpc.sock, TCP, the admin dashboard).
 */
import type { Clock } from '../clock.ts';
import { type Paths, statePaths } from '../config.ts';
import type { Manager } from '../controllers/manager.ts';
import type { StatusListener } from '../controllers/status-book.ts';
import type { StoreData } from '../desired/schema.ts';
import { Readiness } from './readiness.ts';
import { RpcError } from './rpc/errors.ts';
import type { ConvergeOutcome } from './schemas.ts';
import { type StoreOp, StoreWriter } from './store-writer.ts';

/** What the control plane is built from. */
export interface ControlDeps {
  manager: Manager;
  paths: Paths;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  version: string;
  readiness?: Readiness;
}

/** Default and largest wait of converge-and-wait methods. */
export const CONVERGE_TIMEOUT = { defaultMs: 30_000, maxMs: 600_000 } as const;

/** Facade over the daemon for the API (and the admin dashboard). */
export class Control {
  readonly manager: Manager;
  readonly paths: Paths;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly version: string;
  readonly readiness: Readiness;
  readonly startedAt: number;
  private readonly writer: StoreWriter;

  constructor(deps: ControlDeps) {
    this.manager = deps.manager;
    this.paths = deps.paths;
    this.env = deps.env;
    this.clock = deps.clock;
    this.version = deps.version;
    this.readiness = deps.readiness ?? new Readiness();
    this.startedAt = deps.clock.now();
    const files = statePaths(deps.paths.home);
    this.writer = new StoreWriter(files.store, files.storeLock, () => this.manager.reloadStore());
  }

  /** The store in force (last valid), or null before one was read. */
  store(): StoreData | null {
    return this.manager.sources.store;
  }

  /** Change the desired state through the locked store write; the manager reloads it and wakes changed roles. */
  mutate<T>(op: StoreOp<T>): Promise<T> {
    return this.writer.apply(op);
  }

  /** Subscribe to status changes (reconcile started/finished); returns the unsubscribe function. */
  subscribe(listener: StatusListener): () => void {
    return this.manager.status.subscribe(listener);
  }

  /**
   * Converge the roles now (skipping debounce waits already running, un-stalling) and wait for each one's next
   * reconcile; throws -32004 with the roles still pending after `timeoutMs`.
   */
  async converge(roles: readonly string[], timeoutMs: number = CONVERGE_TIMEOUT.defaultMs): Promise<ConvergeOutcome[]> {
    const waits = roles.map((role) => this.nextOutcome(role, timeoutMs));
    for (const role of roles) this.manager.wake(role, true);
    const outcomes = await Promise.all(waits);
    const pending = roles.filter((_, i) => !outcomes[i]);
    if (pending.length)
      throw RpcError.of('timeout', `no reconcile finished within ${timeoutMs} ms for: ${pending.join(', ')}`, {
        pending,
        done: outcomes.filter(Boolean),
      });
    return outcomes as ConvergeOutcome[];
  }

  /** The outcome of the first reconcile of `role` that starts from now on; undefined after the timeout. */
  private nextOutcome(role: string, timeoutMs: number): Promise<ConvergeOutcome | undefined> {
    return new Promise((resolve) => {
      let started = false;
      const done = (o: ConvergeOutcome | undefined) => {
        clearTimeout(timer);
        off();
        resolve(o);
      };
      const off = this.subscribe((e) => {
        if (e.role !== role) return;
        if (e.type === 'started') started = true;
        else if (started)
          done({
            role,
            outcome: e.result,
            written: e.written,
            deleted: e.deleted,
            backups: e.backups,
            durationMs: e.durationMs === undefined ? undefined : Math.round(e.durationMs * 10) / 10,
            error: e.error,
          });
      });
      const timer = setTimeout(() => done(undefined), timeoutMs);
    });
  }
}
