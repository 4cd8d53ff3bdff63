/**
 * Prometheus metrics (prefix `hero_team_`). Values are recorded in plain maps from the first event on; prom-client
 * (its Registry, the text format and the process metrics) is loaded at the first scrape, so a daemon nobody
 * scrapes pays neither its memory nor the 100 Hz timer of its event-loop-lag monitor (idle CPU).
 * One registry per app. Label values are bounded: roles are the first MAX_ROLE_LABELS seen (the rest count under
 * `_other`), RPC methods are table names or `unknown`, HTTP routes are route patterns.
 */
import type { Registry } from 'prom-client';
import type { StatusEvent } from '../controllers/status-book.ts';
import type { Control } from './control.ts';
import { PHASES } from './schemas.ts';
import { listRoleStatus } from './status-document.ts';

/**
 * Interval of prom-client's event-loop monitor, ms: its `nodejs_eventloop_lag_*` gauges are the intervals between
 * its ticks, so the loop's delay is a gauge less this. Every 100 ms rather than 10: the timer keeps running once
 * scraped.
 */
export const EVENT_LOOP_MONITOR_MS = 100;

/** Most distinct role label values; more roles share `_other` (a store of thousands of roles stays scrapeable). */
export const MAX_ROLE_LABELS = 500;

/** The metrics of one app. */
export interface ApiMetrics {
  /** The Prometheus text of every metric, and its content type (loads prom-client on first use). */
  scrape(): Promise<{ contentType: string; text: string }>;
  /** Count one JSON-RPC call. */
  observeRpc(method: string, code: number, seconds: number): void;
  /** Count one HTTP request by route pattern. */
  observeHttp(route: string, status: number): void;
  /** Stop following the status book. */
  close(): void;
}

type Labels = Record<string, string>;
type Sample = { value: number; labels?: Labels; metricName?: string };

/** Counters by label set. */
class CounterData {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  inc(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels);
    const v = this.values.get(key);
    if (v) v.value += by;
    else this.values.set(key, { labels, value: by });
  }
  samples(): Sample[] {
    return [...this.values.values()].map((v) => ({ value: v.value, labels: v.labels }));
  }
}

/** Histograms (cumulative buckets, sum, count) by label set. */
class HistogramData {
  private readonly values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    private readonly name: string,
    private readonly buckets: readonly number[],
  ) {}
  observe(labels: Labels, v: number): void {
    const key = JSON.stringify(labels);
    let h = this.values.get(key);
    if (!h) this.values.set(key, (h = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((b, i) => {
      if (v <= b) h.counts[i]!++;
    });
    h.sum += v;
    h.count++;
  }
  samples(): Sample[] {
    return [...this.values.values()].flatMap((h) => [
      ...this.buckets.map((b, i) => ({
        metricName: `${this.name}_bucket`,
        labels: { ...h.labels, le: String(b) },
        value: h.counts[i]!,
      })),
      { metricName: `${this.name}_bucket`, labels: { ...h.labels, le: '+Inf' }, value: h.count },
      { metricName: `${this.name}_sum`, labels: h.labels, value: h.sum },
      { metricName: `${this.name}_count`, labels: h.labels, value: h.count },
    ]);
  }
}

/** A metric prom-client's Registry can print: name, help, type and the samples at scrape time. */
function metric(name: string, help: string, type: 'counter' | 'gauge' | 'histogram', samples: () => Sample[]) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: samples() }),
    reset() {},
  };
}

/** Create the metrics of an app over `control`. */
export function createMetrics(control: Control, maxRoleLabels = MAX_ROLE_LABELS): ApiMetrics {
  const known = new Set<string>();
  const roleLabel = (role: string) => {
    if (known.has(role) || known.size < maxRoleLabels) return (known.add(role), role);
    return '_other';
  };
  const reconciles = new CounterData();
  const duration = new HistogramData(
    'hero_team_reconcile_duration_seconds',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  );
  const files = { written: 0, deleted: 0, backups: 0 };
  const reverted = new CounterData();
  const rpc = new CounterData();
  const rpcSeconds = new HistogramData('hero_team_rpc_duration_seconds', [0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10, 60]);
  const http = new CounterData();

  const off = control.subscribe((e: StatusEvent) => {
    if (e.type !== 'finished') return;
    const role = roleLabel(e.role);
    reconciles.inc({ role, result: e.result });
    if (e.durationMs !== undefined) duration.observe({ role, result: e.result }, e.durationMs / 1000);
    files.written += e.written;
    files.deleted += e.deleted;
    files.backups += e.backups;
    if (e.driftReverted) reverted.inc({ role }, e.driftReverted);
  });

  const info = () => control.manager.introspect();
  const index = () => control.manager.sources.registry.index;
  const one = (value: number): Sample[] => [{ value }];
  const roleGauge = (value: (phase: string, role: string) => number, byPhase: boolean) => (): Sample[] =>
    listRoleStatus(control).flatMap((r) => {
      const role = roleLabel(r.name);
      if (role === '_other') return [];
      return byPhase
        ? PHASES.map((phase) => ({ labels: { role, phase }, value: value(phase, r.phase) }))
        : [{ labels: { role }, value: value('Ready', r.phase) }];
    });
  const metrics = [
    metric('hero_team_reconcile_total', 'Finished reconciles by role and result', 'counter', () =>
      reconciles.samples(),
    ),
    metric('hero_team_reconcile_duration_seconds', 'Reconcile duration by role and result', 'histogram', () =>
      duration.samples(),
    ),
    metric('hero_team_files_written_total', 'Files written into role directories', 'counter', () => one(files.written)),
    metric('hero_team_files_deleted_total', 'Files deleted from role directories', 'counter', () => one(files.deleted)),
    metric('hero_team_backups_total', 'Files backed up before being overwritten or deleted', 'counter', () =>
      one(files.backups),
    ),
    metric('hero_team_drift_reverted_total', 'Hand edits reverted, by role', 'counter', () => reverted.samples()),
    metric(
      'hero_team_role_phase',
      'Phase of each role (1 for the current phase)',
      'gauge',
      roleGauge((phase, current) => (phase === current ? 1 : 0), true),
    ),
    metric(
      'hero_team_role_ready',
      '1 when the role is Ready',
      'gauge',
      roleGauge((_p, current) => (current === 'Ready' ? 1 : 0), false),
    ),
    metric('hero_team_queue_depth', 'Reconciles waiting for a slot', 'gauge', () => one(info().queue.waiting)),
    metric('hero_team_reconciles_active', 'Reconciles running', 'gauge', () => one(info().queue.running)),
    metric('hero_team_watches', 'Directories watched (one inotify watch each)', 'gauge', () =>
      one(info().watches.count),
    ),
    metric('hero_team_watches_complete', '1 when every directory has its watch', 'gauge', () =>
      one(info().watches.complete ? 1 : 0),
    ),
    metric('hero_team_registry_skills', 'Valid registry skills indexed (whitelisted by some role)', 'gauge', () =>
      one(index().skills.size),
    ),
    metric('hero_team_registry_invalid_skills', 'Invalid registry skills indexed', 'gauge', () =>
      one(index().invalid.size),
    ),
    metric('hero_team_ready', '1 once the first convergence finished and the watchers are set', 'gauge', () =>
      one(control.readiness.get().ready ? 1 : 0),
    ),
    metric('hero_team_rpc_requests_total', 'JSON-RPC calls by method and code (0: success)', 'counter', () =>
      rpc.samples(),
    ),
    metric('hero_team_rpc_duration_seconds', 'JSON-RPC call duration by method', 'histogram', () =>
      rpcSeconds.samples(),
    ),
    metric('hero_team_http_requests_total', 'HTTP requests by route pattern and status', 'counter', () =>
      http.samples(),
    ),
  ];

  let registry: Promise<Registry> | undefined;
  const load = async () => {
    const prom = await import('prom-client');
    const r = new prom.Registry();
    prom.collectDefaultMetrics({
      register: r,
      prefix: 'hero_team_',
      eventLoopMonitoringPrecision: EVENT_LOOP_MONITOR_MS,
    });
    for (const m of metrics) r.registerMetric(m as never);
    return r;
  };
  return {
    scrape: async () => {
      const r = await (registry ??= load());
      return { contentType: r.contentType, text: await r.metrics() };
    },
    observeRpc: (method, code, seconds) => {
      rpc.inc({ method, code: String(code) });
      rpcSeconds.observe({ method }, seconds);
    },
    observeHttp: (route, status) => http.inc({ route, status: String(status) }),
    close: off,
  };
}
