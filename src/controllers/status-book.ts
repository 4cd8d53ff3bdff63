/** The status book: per-role phase, conditions and counters, updated from reconcile outcomes (DESIGN §6). */
import type { Clock } from '../clock.ts';
import { type Condition, setCondition } from './conditions.ts';
import type { ReconcileOutcome } from './reconcile.ts';

/** Lifecycle phase of a role. */
export type Phase = 'Pending' | 'Reconciling' | 'Ready' | 'Degraded' | 'Stalled' | 'Deleting';

/** Status of one role. */
export interface RoleStatus {
  name: string;
  phase: Phase;
  conditions: Condition[];
  observedGeneration?: number;
  lastAppliedRevision?: string;
  lastReconcileAt?: string;
  lastDurationMs?: number;
  lastError?: string;
  /** Whitelisted skills: registry md5 at the last reconcile, the md5 last copied (`lastSyncedMd5`), stale when not current. */
  skills: { name: string; md5?: string; lastSyncedMd5?: string; stale: boolean }[];
  /** Problems found by the last reconcile (missing skills, reported drift...). */
  warnings: string[];
  /** Outcome of the last finished reconcile. */
  lastOutcome?: ReconcileResult;
  /** Files left as hand-edited under the `report` drift policy (and foreign files in the way). */
  drifted: string[];
  /** Extra entries in the role's skills/ directory (reported, never deleted). */
  strays: string[];
  /** Provider key variables the role's config references that are unset. */
  missingSecrets: string[];
  counts: {
    reconciles: number;
    filesWritten: number;
    filesDeleted: number;
    driftReverted: number;
    backups: number;
    errors: number;
  };
}

/** How a reconcile ended. */
export type ReconcileResult = 'converged' | 'deleted' | 'absent' | 'error' | 'stalled';

/** A change in the book, for subscribers (metrics, the dashboard's server-sent events, waiters). */
export type StatusEvent =
  | { type: 'started'; role: string }
  | {
      type: 'finished';
      role: string;
      result: ReconcileResult;
      durationMs?: number;
      written: number;
      deleted: number;
      backups: number;
      driftReverted: number;
      error?: string;
    };

/** A subscriber of the book; a throwing listener is isolated from the others. */
export type StatusListener = (event: StatusEvent) => void;

function emptyStatus(name: string): RoleStatus {
  return {
    name,
    phase: 'Pending',
    conditions: [],
    skills: [],
    warnings: [],
    drifted: [],
    strays: [],
    missingSecrets: [],
    counts: { reconciles: 0, filesWritten: 0, filesDeleted: 0, driftReverted: 0, backups: 0, errors: 0 },
  };
}

/** Warnings of an outcome, one line each (pure). */
export function outcomeWarnings(o: ReconcileOutcome): string[] {
  const w: string[] = [];
  const d = o.desired;
  if (d?.missingSkills.length) w.push(`skills not in the registry: ${d.missingSkills.join(', ')}`);
  if (d?.invalidSkills.length) w.push(`invalid registry skills (last good copy kept): ${d.invalidSkills.join(', ')}`);
  if (d?.missingServices.length) w.push(`MCP services not in services.json: ${d.missingServices.join(', ')}`);
  if (d?.rejectedServices?.length)
    w.push(
      `MCP services left out of mcp.json (Kimi Code cannot load them; fix their entry in services.json): ${d.rejectedServices.join(', ')}`,
    );
  for (const item of o.plan?.drift ?? []) if (item.action === 'reported') w.push(`${item.kind}: ${item.path}`);
  for (const hold of o.holds ?? []) w.push(`held (${hold.reason}): ${hold.message}`);
  return w;
}

/** Keeps every role's status; the manager feeds it, the API and CLI read it. */
export class StatusBook {
  private readonly roles = new Map<string, RoleStatus>();
  /** Live discovery's state, and which roles take services from it (set by the manager). */
  private discovery: { available: boolean; error?: string; source: string } | undefined;
  dependsOnDiscovery: (role: string) => boolean = () => false;
  private readonly listeners = new Set<StatusListener>();

  constructor(private readonly clock: Clock) {}

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
    s.phase = deleting ? 'Deleting' : 'Reconciling';
    s.conditions = setCondition(
      s.conditions,
      { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'reconcile running' },
      this.now(),
    );
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
    } as const;
    const reverted = o.plan?.drift.filter((d) => d.action === 'reverted').length ?? 0;
    if (o.kind !== 'converged') {
      this.roles.delete(o.role);
      this.emit({ ...done, driftReverted: reverted });
      return;
    }
    const s = this.entry(o.role);
    const now = this.now();
    const warnings = outcomeWarnings(o);
    const missing = o.desired?.missingSecrets ?? [];
    const required = o.desired?.missingRequiredSecrets ?? [];
    s.warnings = warnings;
    s.phase = warnings.length || required.length ? 'Degraded' : 'Ready';
    s.observedGeneration = o.generation;
    s.lastAppliedRevision = o.desired?.revision;
    s.lastReconcileAt = now;
    s.lastDurationMs = Math.round(o.durationMs * 10) / 10;
    s.lastError = undefined;
    const synced = new Map(s.skills.map((k) => [k.name, k.lastSyncedMd5]));
    s.skills = o.skills.map((k) => ({ ...k, lastSyncedMd5: k.stale ? synced.get(k.name) : k.md5 }));
    const reported = o.plan?.drift.filter((d) => d.action === 'reported') ?? [];
    s.drifted = reported.filter((d) => d.kind !== 'stray').map((d) => d.path);
    s.strays = reported.filter((d) => d.kind === 'stray').map((d) => d.path);
    s.missingSecrets = missing;
    s.lastOutcome = 'converged';
    s.counts.reconciles++;
    s.counts.filesWritten += o.result?.written ?? 0;
    s.counts.filesDeleted += o.result?.deleted ?? 0;
    s.counts.backups += o.result?.backups ?? 0;
    s.counts.driftReverted += reverted;
    let c = setCondition(
      s.conditions,
      { type: 'Reconciling', status: 'False', reason: 'Succeeded', message: 'last reconcile succeeded' },
      now,
    );
    c = setCondition(c, { type: 'Stalled', status: 'False', reason: 'SpecValid', message: '' }, now);
    c = setCondition(
      c,
      s.phase === 'Ready'
        ? { type: 'Ready', status: 'True', reason: 'Converged', message: 'role directory matches the desired state' }
        : {
            type: 'Ready',
            status: 'False',
            reason: 'Degraded',
            message: [...warnings, ...required.map((m) => `unset key variable ${m} (needed by the role's model)`)].join(
              '; ',
            ),
          },
      now,
    );
    c = setCondition(
      c,
      reported.length
        ? { type: 'Drifted', status: 'True', reason: 'HandEdited', message: reported.map((d) => d.path).join(', ') }
        : {
            type: 'Drifted',
            status: 'False',
            reason: reverted ? 'Reverted' : 'InSync',
            message: reverted ? `${reverted} file(s) reverted` : '',
          },
      now,
    );
    c = setCondition(
      c,
      missing.length
        ? { type: 'SecretsMissing', status: 'True', reason: 'Unset', message: `unset: ${missing.join(', ')}` }
        : { type: 'SecretsMissing', status: 'False', reason: 'AllSet', message: '' },
      now,
    );
    const holds = o.holds ?? [];
    c = setCondition(
      c,
      holds.length
        ? { type: 'Held', status: 'True', reason: holds[0]!.reason, message: holds.map((h) => h.message).join('; ') }
        : { type: 'Held', status: 'False', reason: 'NothingHeld', message: '' },
      now,
    );
    s.conditions = c;
    this.applyDiscovery(s);
    this.emit({ ...done, driftReverted: reverted });
  }

  /** Discovery became (un)available: roles that take services from it show it as DiscoveryUnavailable. */
  setDiscovery(state: { available: boolean; error?: string; source: string }): void {
    this.discovery = state;
    for (const s of this.roles.values()) this.applyDiscovery(s);
  }

  private applyDiscovery(s: RoleStatus): void {
    const d = this.discovery;
    if (!d) return;
    const down = !d.available && this.dependsOnDiscovery(s.name);
    s.conditions = setCondition(
      s.conditions,
      down
        ? {
            type: 'DiscoveryUnavailable',
            status: 'True',
            reason: 'SourceUnreachable',
            message: `${d.source}: ${d.error ?? 'unavailable'}; the last good service list stays in force`,
          }
        : { type: 'DiscoveryUnavailable', status: 'False', reason: 'Available', message: '' },
      this.now(),
    );
  }

  /** A reconcile failed; `stalled` when the spec itself is invalid (no retry until it changes). */
  failed(name: string, error: string, stalled: boolean): void {
    const s = this.entry(name);
    const now = this.now();
    s.phase = stalled ? 'Stalled' : 'Degraded';
    s.lastError = error;
    s.lastReconcileAt = now;
    s.counts.errors++;
    let c = setCondition(
      s.conditions,
      { type: 'Reconciling', status: 'False', reason: stalled ? 'Stalled' : 'RetryScheduled', message: error },
      now,
    );
    c = setCondition(
      c,
      { type: 'Ready', status: 'False', reason: stalled ? 'InvalidSpec' : 'ReconcileError', message: error },
      now,
    );
    c = setCondition(
      c,
      {
        type: 'Stalled',
        status: stalled ? 'True' : 'False',
        reason: stalled ? 'InvalidSpec' : 'Retrying',
        message: stalled ? error : '',
      },
      now,
    );
    s.conditions = c;
    s.lastOutcome = stalled ? 'stalled' : 'error';
    this.emit({
      type: 'finished',
      role: name,
      result: s.lastOutcome,
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
