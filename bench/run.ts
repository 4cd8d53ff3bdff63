/**
 * All benchmarks: `npm run bench` (full) or `npm run bench -- --quick` (scaled down, about 90 s on 2 cores).
 * Prints a table with the target of each figure and writes bench/results/latest.json.
 * Options: --only=cold,propagation,memory,api  --samples=N  --repeats=N  --keep (keep temp trees).
 */

import { spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { benchApi } from './api.ts';
import { benchCold } from './cold.ts';
import { cleanupAll } from './lib/fixture.ts';
import { parseOptions } from './lib/options.ts';
import { type Figures, formatTable, LATEST, pick, type Row, saveResults } from './lib/results.ts';
import { round } from './lib/stats.ts';
import { benchMemory } from './memory.ts';
import { benchPropagation } from './propagation.ts';

const opts = parseOptions(process.argv.slice(2));
const started = performance.now();
const figures: Figures = {};
const log = (s: string) => console.log(s);
const loadavg = () => Number((spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout ?? '').split(' ')[0]);
const load0 = loadavg();

/** Seconds each section took (where a quick run's time goes). */
const sectionSeconds: Record<string, number> = {};
const sections = { cold: benchCold, propagation: benchPropagation, memory: benchMemory, api: benchApi } as const;
for (const [name, bench] of Object.entries(sections)) {
  if (!opts.only.has(name)) continue;
  const t = performance.now();
  Object.assign(figures, await bench(opts, log));
  sectionSeconds[name] = round((performance.now() - t) / 1000, 1);
  log(`  (${name} took ${sectionSeconds[name]} s)`);
}

const fs =
  spawnSync('df', ['-T', tmpdir()], { encoding: 'utf8' }).stdout.trim().split('\n').pop()?.split(/\s+/)[1] ?? 'unknown';
figures.meta = {
  mode: opts.quick ? 'quick' : 'full',
  date: new Date().toISOString(),
  node: process.version,
  cpus: availableParallelism(),
  memory_gb: round(totalmem() / 2 ** 30, 1),
  tmp_filesystem: fs,
  loadavg_start: load0,
  loadavg_end: loadavg(),
  total_seconds: round((performance.now() - started) / 1000, 1),
  section_seconds: sectionSeconds,
};
const all = saveResults(figures);
const remover = opts.keep ? undefined : cleanupAll({ background: true });

const f = (key: string) => pick(all, key);
const cmp = (key: string, max: number) => (f(key) === null ? undefined : f(key)! <= max);
const debounce = f('propagation.debounce_ms') ?? 0;
const d0 = f('propagation.by_debounce.0.p99_ms');
const rows: Row[] = [
  {
    figure: 'cold.seconds (engine)',
    value: f('cold.seconds'),
    unit: 's',
    note: `cp -r ${f('cold.cp_seconds')} s (${f('cold.cp_spawn_seconds')} s of it starting processes); CLI ${f('cold.cli_seconds')} s incl. startup ${f('cold.startup_seconds')} s`,
  },
  {
    figure: 'cold.ratio_vs_cp',
    value: f('cold.ratio_vs_cp'),
    unit: '×',
    target: '≤ 2',
    pass: cmp('cold.ratio_vs_cp', 2),
    note: `vs cp -r + sync ${f('cold.ratio_vs_cp_sync')}×, vs cp -r minus spawns ${f('cold.ratio_vs_cp_net')}×; ${f('cold.overhead_seconds')} s over cp -r`,
  },
  {
    figure: 'noop.seconds (daemon resync)',
    value: f('noop.seconds'),
    unit: 's',
    note: `fresh process ${f('noop.fresh_seconds')} s; CLI ${f('noop.cli_seconds')} s`,
  },
  {
    figure: 'noop.writes',
    value: f('noop.writes'),
    unit: '',
    target: '0',
    pass: f('noop.writes') === null ? undefined : f('noop.writes') === 0,
  },
  {
    figure: 'noop.ratio_vs_cold',
    value: f('noop.ratio_vs_cold'),
    unit: '',
    target: '≤ 0.10',
    pass: cmp('noop.ratio_vs_cold', 0.1),
    note: 'daemon resync',
  },
  {
    figure: 'noop.fresh_ratio_vs_cold',
    value: f('noop.fresh_ratio_vs_cold'),
    unit: '',
    target: '(≤ 0.10)',
    pass: cmp('noop.fresh_ratio_vs_cold', 0.1),
    note: 'no-op hero-team sync, fresh process after its imports',
  },
  {
    figure: 'propagation.p50_ms',
    value: f('propagation.p50_ms'),
    unit: 'ms',
    note: `debounce ${debounce} ms, ${f('propagation.samples')} samples`,
  },
  { figure: 'propagation.p95_ms', value: f('propagation.p95_ms'), unit: 'ms' },
  {
    figure: 'propagation.p99_ms',
    value: f('propagation.p99_ms'),
    unit: 'ms',
    target: `≤ ${debounce + 100} (debounce+100)`,
    pass: cmp('propagation.p99_ms', debounce + 100),
    note: d0 === null ? '' : `debounce 0: p50 ${f('propagation.by_debounce.0.p50_ms')}, p99 ${d0} ms`,
  },
  {
    figure: 'revert.p99_ms',
    value: f('revert.p99_ms'),
    unit: 'ms',
    target: `≤ ${debounce + 100} (debounce+100)`,
    pass: cmp('revert.p99_ms', debounce + 100),
    note: `p50 ${f('revert.p50_ms')} ms`,
  },
  {
    figure: 'incremental.write_amplification',
    value: f('incremental.write_amplification'),
    unit: '',
    target: '1.0',
    pass: f('incremental.write_amplification') === null ? undefined : f('incremental.write_amplification') === 1,
    note: `data files; ${f('incremental.write_amplification_with_manifests')} counting manifest paths, ${f('incremental.write_amplification_physical')} counting every manifest write`,
  },
  {
    figure: 'memory.rss_mb_10k_skills',
    value: f('memory.rss_mb_10k_skills'),
    unit: 'MB',
    target: '≤ 150',
    pass: cmp('memory.rss_mb_10k_skills', 150),
    note: `${f('memory.inotify_watches')} inotify watches; started in ${f('memory.start_seconds')} s`,
  },
  {
    figure: 'api.status_p99_ms',
    value: f('api.status_p99_ms'),
    unit: 'ms',
    target: '≤ 50',
    pass: cmp('api.status_p99_ms', 50),
    note: `GET /status during a cold convergence of ${f('api.status_during_convergence.roles')} roles; p50 ${f('api.status_during_convergence.p50_ms')} ms`,
  },
  {
    figure: 'api.event_loop_delay_p99_ms',
    value: f('api.event_loop_delay_p99_ms'),
    unit: 'ms',
    note: `the daemon's event-loop delay in the same window; max ${f('api.event_loop_delay_max_ms')} ms`,
  },
  {
    figure: 'api.upsert_to_converged_p99_ms',
    value: f('api.upsert_to_converged_p99_ms'),
    unit: 'ms',
    target: `≤ ${(f('api.upsert_to_converged.debounce_ms') ?? 100) + 100} (debounce+100)`,
    pass: cmp('api.upsert_to_converged_p99_ms', (f('api.upsert_to_converged.debounce_ms') ?? 100) + 100),
    note: `p50 ${f('api.upsert_to_converged.p50_ms')} ms`,
  },
  {
    figure: 'idle.cpu_percent',
    value: f('idle.cpu_percent'),
    unit: '%',
    target: '≈ 0 (≤ 0.5)',
    pass: cmp('idle.cpu_percent', 0.5),
    note: `${f('idle.window_seconds')} s window`,
  },
];
console.log('');
console.log(formatTable(rows));
console.log(
  `\n${opts.quick ? 'quick' : 'full'} run in ${round((performance.now() - started) / 1000, 1)} s; load average ${load0} → ${loadavg()}; results in ${LATEST}`,
);
console.log(`reproduce: npm run bench${opts.quick ? ' -- --quick' : ''}`);
if (remover)
  console.log(
    `temp trees are being removed in the background (rm -rf, pid ${remover}); a run started before it ends measures a busier disk`,
  );
