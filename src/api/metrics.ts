/**
 * Prometheus metrics (prefix `hero_team_`), one Registry per app so tests and several apps never share state.
 * Counters follow the status book's events; gauges are read at scrape time. Label values are bounded: roles are
 * the declared ones (at most MAX_ROLE_LABELS, the rest counted under `_other`), RPC methods are table names or
 * `unknown`, HTTP routes are route patterns.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StatusEvent } from '../controllers/status-book.ts';
import type { Control } from './control.ts';
import { PHASES } from './schemas.ts';
import { listRoleStatus } from './status-document.ts';

/** Most distinct role label values; more roles share `_other` (a store of thousands of roles stays scrapeable). */
export const MAX_ROLE_LABELS = 500;

/** The metrics of one app. */
export interface ApiMetrics {
  registry: Registry;
  /** Count one JSON-RPC call. */
  observeRpc(method: string, code: number, seconds: number): void;
  /** Count one HTTP request by route pattern. */
  observeHttp(route: string, status: number): void;
  /** Stop following the status book. */
  close(): void;
}

/** Create the metrics of an app over `control`. */
export function createMetrics(control: Control): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hero_team_' });
  const known = new Set<string>();
  const roleLabel = (role: string) => {
    if (known.has(role)) return role;
    if (known.size < MAX_ROLE_LABELS) return known.add(role), role;
    return '_other';
  };
  const reconciles = new Counter({ name: 'hero_team_reconcile_total', help: 'Finished reconciles by role and result', labelNames: ['role', 'result'], registers: [registry] });
  const duration = new Histogram({ name: 'hero_team_reconcile_duration_seconds', help: 'Reconcile duration by role and result', labelNames: ['role', 'result'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [registry] });
  const written = new Counter({ name: 'hero_team_files_written_total', help: 'Files written into role directories', registers: [registry] });
  const deleted = new Counter({ name: 'hero_team_files_deleted_total', help: 'Files deleted from role directories', registers: [registry] });
  const backups = new Counter({ name: 'hero_team_backups_total', help: 'Files backed up before being overwritten or deleted', registers: [registry] });
  const reverted = new Counter({ name: 'hero_team_drift_reverted_total', help: 'Hand edits reverted, by role', labelNames: ['role'], registers: [registry] });
  const rpc = new Counter({ name: 'hero_team_rpc_requests_total', help: 'JSON-RPC calls by method and code (0: success)', labelNames: ['method', 'code'], registers: [registry] });
  const rpcSeconds = new Histogram({ name: 'hero_team_rpc_duration_seconds', help: 'JSON-RPC call duration by method', labelNames: ['method'], buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10, 60], registers: [registry] });
  const http = new Counter({ name: 'hero_team_http_requests_total', help: 'HTTP requests by route pattern and status', labelNames: ['route', 'status'], registers: [registry] });
  registerGauges(registry, control, roleLabel);

  const off = control.subscribe((e: StatusEvent) => {
    if (e.type !== 'finished') return;
    const role = roleLabel(e.role);
    reconciles.inc({ role, result: e.result });
    if (e.durationMs !== undefined) duration.observe({ role, result: e.result }, e.durationMs / 1000);
    written.inc(e.written);
    deleted.inc(e.deleted);
    backups.inc(e.backups);
    if (e.driftReverted) reverted.inc({ role }, e.driftReverted);
  });
  return {
    registry,
    observeRpc: (method, code, seconds) => {
      rpc.inc({ method, code: String(code) });
      rpcSeconds.observe({ method }, seconds);
    },
    observeHttp: (route, status) => http.inc({ route, status: String(status) }),
    close: off,
  };
}

/** Gauges computed from the daemon's state at each scrape. */
function registerGauges(registry: Registry, control: Control, roleLabel: (role: string) => string): void {
  new Gauge({
    name: 'hero_team_role_phase', help: 'Phase of each role (1 for the current phase)', labelNames: ['role', 'phase'], registers: [registry],
    collect() {
      this.reset();
      for (const r of listRoleStatus(control)) {
        const role = roleLabel(r.name);
        if (role === '_other') continue;
        for (const phase of PHASES) this.set({ role, phase }, r.phase === phase ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'hero_team_role_ready', help: '1 when the role is Ready', labelNames: ['role'], registers: [registry],
    collect() {
      this.reset();
      for (const r of listRoleStatus(control)) if (roleLabel(r.name) !== '_other') this.set({ role: r.name }, r.phase === 'Ready' ? 1 : 0);
    },
  });
  const info = () => control.manager.introspect();
  new Gauge({ name: 'hero_team_queue_depth', help: 'Reconciles waiting for a slot', registers: [registry], collect() { this.set(info().queue.waiting); } });
  new Gauge({ name: 'hero_team_reconciles_active', help: 'Reconciles running', registers: [registry], collect() { this.set(info().queue.running); } });
  new Gauge({ name: 'hero_team_watches', help: 'Directories watched (one inotify watch each)', registers: [registry], collect() { this.set(info().watches.count); } });
  new Gauge({ name: 'hero_team_watches_complete', help: '1 when every directory has its watch', registers: [registry], collect() { this.set(info().watches.complete ? 1 : 0); } });
  const index = () => control.manager.sources.registry.index;
  new Gauge({ name: 'hero_team_registry_skills', help: 'Valid registry skills indexed (whitelisted by some role)', registers: [registry], collect() { this.set(index().skills.size); } });
  new Gauge({ name: 'hero_team_registry_invalid_skills', help: 'Invalid registry skills indexed', registers: [registry], collect() { this.set(index().invalid.size); } });
  new Gauge({ name: 'hero_team_ready', help: '1 once the first convergence finished and the watchers are set', registers: [registry], collect() { this.set(control.readiness.get().ready ? 1 : 0); } });
}
