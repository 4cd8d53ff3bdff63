/**
 * The status book: every role's status record, updated from reconcile outcomes, with subscribers told of
 * each change (DESIGN §6). The record is role-status.ts, its conditions status-conditions.ts.
 */
import type { Clock } from '../clock.ts';
import { convergedFacts, revertedCount } from './outcome-facts.ts';
import type { ReconcileOutcome } from './reconcile.ts';
import { emptyStatus, type RoleStatus, recordConverged, recordFailure } from './role-status.ts';
import {
  convergedConditions,
  type DiscoveryState,
  discoveryConditions,
  failedConditions,
  startedConditions,
} from './status-conditions.ts';
import type { StatusEvent, StatusListener } from './status-events.ts';

export { outcomeWarnings } from './outcome-facts.ts';
export type { Phase, ReconcileResult, RoleStatus } from './role-status.ts';
export type { StatusEvent, StatusListener } from './status-events.ts';

/** Keeps every role's status; the manager feeds it, the API and CLI read it. */
export class StatusBook {
  private readonly roles = new Map<string, RoleStatus>();
  /** Live discovery's state, and which roles take services from it (set by the manager). */
  private discovery: DiscoveryState | undefined;
  dependsOnDiscovery: (role: string) => boolean = () => false;
  private readonly listeners = new Set<StatusListener>();
  /** Per role, the number of the book's last change to it (a reader keeps what it derived until the role moves). */
  private readonly revisions = new Map<string, number>();
  private changes = 0;

  constructor(private readonly clock: Clock) {}

  /** A number that changes whenever the role's status does (0: the book has none). */
  revision(name: string): number {
    return this.revisions.get(name) ?? 0;
  }

  /** Call `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Status of one role, if known. */
  get(name: string): RoleStatus | undefined {
    return this.roles.get(name);
  }

  /** All roles, sorted by name. */
  list(): RoleStatus[] {
    return [...this.roles.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** A reconcile started. */
  started(name: string, deleting: boolean): void {
    const s = this.entry(name);
    this.touch(name);
    s.phase = deleting ? 'Deleting' : 'Reconciling';
    s.conditions = startedConditions(s.conditions, this.now());
    this.emit({ type: 'started', role: name });
  }

  /** A reconcile finished. */
  succeeded(o: ReconcileOutcome): void {
    const done = {
      type: 'finished',
      role: o.role,
      result: o.kind,
      durationMs: o.durationMs,
      written: o.result?.written ?? 0,
      deleted: o.result?.deleted ?? 0,
      backups: o.result?.backups ?? 0,
      driftReverted: revertedCount(o),
    } as const;
    if (o.kind !== 'converged') {
      this.remove(o.role);
      this.emit(done);
      return;
    }
    const s = this.entry(o.role);
    this.touch(o.role);
    const now = this.now();
    const facts = convergedFacts(o);
    recordConverged(s, o, facts, now);
    s.conditions = convergedConditions(s.conditions, s.phase, facts, now);
    this.applyDiscovery(s);
    this.emit(done);
  }

  /** Discovery became (un)available: roles that take services from it show it as DiscoveryUnavailable. */
  setDiscovery(state: DiscoveryState): void {
    this.discovery = state;
    for (const s of this.roles.values()) this.applyDiscovery(s);
  }

  private applyDiscovery(s: RoleStatus): void {
    const d = this.discovery;
    if (!d) return;
    this.touch(s.name);
    const down = !d.available && this.dependsOnDiscovery(s.name);
    s.conditions = discoveryConditions(s.conditions, d, down, this.now());
  }

  /** A reconcile failed; `stalled` when the spec itself is invalid (no retry until it changes). */
  failed(name: string, error: string, stalled: boolean): void {
    const s = this.entry(name);
    this.touch(name);
    const now = this.now();
    recordFailure(s, error, stalled, now);
    s.conditions = failedConditions(s.conditions, error, stalled, now);
    this.emit({
      type: 'finished',
      role: name,
      result: stalled ? 'stalled' : 'error',
      written: 0,
      deleted: 0,
      backups: 0,
      driftReverted: 0,
      error,
    });
  }

  /** Forget a role (deleted and pruned). */
  remove(name: string): void {
    this.roles.delete(name);
    this.revisions.delete(name);
  }

  private touch(name: string): void {
    this.revisions.set(name, ++this.changes);
  }

  private emit(event: StatusEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A subscriber's bug must not break the reconcile that reported the change.
      }
    }
  }

  private entry(name: string): RoleStatus {
    let s = this.roles.get(name);
    if (!s) this.roles.set(name, (s = emptyStatus(name)));
    return s;
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
