/**
 * The control plane under load, against a real `hero-team serve` child over its unix socket.
 *
 *   npx tsx bench/api.ts [--quick] [--samples=N]      (or: npm run bench -- --only=api)
 *
 * - api.status_p99_ms: GET /status, one request after another, while the daemon converges R roles from an empty
 *   roles dir (cold); only requests sent before every role was Ready count. Shows the event loop stays responsive.
 * - api.event_loop_delay_p99_ms / _max_ms: the daemon's own event-loop delay over the same window: how late the
 *   ticks of prom-client's monitor (every 100 ms) came, read from GET /metrics (one scrape before the first GET
 *   /status loads prom-client and starts the monitor, one when all roles are Ready reads it).
 * - api.upsert_to_converged_p99_ms: role_upsert adding (then removing) one registry skill to a role's whitelist,
 *   timed until the role's directory holds (or no longer holds) that skill's files. Goal: debounce + 100 ms.
 * The daemon runs the bundle (built first, as `npm start` does) on a registry older than 2 s, as cold.ts does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/build.js';
import { connect, socketTransport } from '../src/api/client.ts';
import { EVENT_LOOP_MONITOR_MS } from '../src/api/metrics.ts';
import { socketAnswers } from '../src/api/socket-probe.ts';
import { apiFixture } from './lib/api-fixture.ts';
import { skillName } from './lib/fixture.ts';
import { type BenchOptions, daemonNodeArgs } from './lib/options.ts';
import { sleep, startDaemon, waitQuiet } from './lib/proc.ts';
import type { Figures } from './lib/results.ts';
import { runIfMain } from './lib/standalone.ts';
import { latencySummary, round } from './lib/stats.ts';
import { timeUntil } from './lib/time-until.ts';

const DEBOUNCE_MS = 100;

/**
 * The daemon's event-loop delay since the last scrape (max and p99, ms), from its Prometheus text: how late the
 * monitor's ticks came (its lag gauges are the intervals between ticks, EVENT_LOOP_MONITOR_MS apart when on time).
 */
async function eventLoopDelay(socket: string): Promise<{ max: number; p99: number }> {
  const { text } = await socketTransport(socket)('GET', '/metrics');
  const gauge = (name: string) => {
    const m = text.match(new RegExp(`^hero_team_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm'));
    if (!m) throw new Error(`no ${name} event-loop lag in /metrics`);
    return round(Math.max(0, Number(m[1]) * 1000 - EVENT_LOOP_MONITOR_MS), 1);
  };
  return { max: gauge('max'), p99: gauge('p99') };
}

/** Run the API bench; returns the figures for latest.json. */
export async function benchApi(opts: BenchOptions, log: (s: string) => void = console.log): Promise<Figures> {
  if (!opts.fromSources) await build({ log: (s) => log(`  ${s}`) });
  const { fx, socket } = apiFixture(opts);
  const client = connect({ socket });
  log(
    `api: ${opts.roles} roles × ${opts.skillsPerRole} skills, GET /status during the cold convergence, then role_upsert → converged`,
  );
  // hero-team keeps no digest of a file changed within the last 2 s: let the fresh fixture age that long (cold.ts).
  await sleep(2100);
  const load0 = loadavg()[0]!;
  const d = startDaemon(
    { ...fx.env, HERO_TEAM_DEBOUNCE_MS: String(DEBOUNCE_MS), LOG_LEVEL: 'warn' },
    daemonNodeArgs(opts),
  );
  try {
    // 1. GET /status while the cold convergence runs.
    const deadline = Date.now() + 60_000;
    while (!(await socketAnswers(socket, 200))) {
      if (Date.now() > deadline || d.child.exitCode !== null) throw new Error('daemon socket never answered');
      await sleep(5);
    }
    // The first scrape loads prom-client and starts its event-loop monitor; the one after the loop reads it.
    await eventLoopDelay(socket);
    const during: number[] = [];
    const slow: string[] = [];
    let readyAt = 0;
    for (;;) {
      const t0 = performance.now();
      const doc = await client.status();
      const ms = performance.now() - t0;
      const converged = doc.roles.length === opts.roles && doc.roles.every((r) => r.phase === 'Ready');
      if (converged && doc.global.ready) {
        readyAt = performance.now() - d.startedAt;
        break;
      }
      during.push(ms);
      slow.push(
        `${round(ms, 1)} ms at ${round((t0 - d.startedAt) / 1000, 2)} s (${doc.global.readyReason ?? 'ready'}, ${doc.roles.filter((r) => r.phase === 'Ready').length} Ready, queue ${doc.global.queue.depth}+${doc.global.queue.active})`,
      );
      await sleep(2);
    }
    const lag = await eventLoopDelay(socket);
    const status = latencySummary(during);
    const top = slow
      .map((line, i) => [during[i]!, line] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([, line]) => line);
    log(`  slowest: ${top.join('; ')}`);
    log(
      `  GET /status during convergence: ${status.n} requests, p50 ${status.p50_ms} p99 ${status.p99_ms} max ${status.max_ms} ms; all roles Ready ${round(readyAt / 1000, 2)} s after spawn; daemon event-loop delay p99 ${lag.p99} max ${lag.max} ms`,
    );
    await waitQuiet(d.pid, { timeoutMs: 60_000 });

    // 2. role_upsert of a whitelist change until the role's directory matches.
    const samples: number[] = [];
    let timeouts = 0;
    const n = Math.min(opts.samples, 100);
    for (let i = 0; i < n; i++) {
      const role = fx.roles[i % fx.roles.length]!;
      const extra = skillName((opts.registrySkills - 1 - (i % 10)) % opts.registrySkills);
      if (role.skills.includes(extra)) continue;
      const { spec } = await client.call('role_get', { name: role.name });
      const adding = !spec.skills.includes(extra);
      const skills = adding ? [...spec.skills, extra] : spec.skills.filter((s) => s !== extra);
      const copy = join(fx.rolesDir, role.name, 'skills', extra, 'SKILL.md');
      const want = adding ? readFileSync(join(fx.skillsDir, extra, 'SKILL.md')) : undefined;
      try {
        samples.push(
          await timeUntil(
            [join(fx.rolesDir, role.name, 'skills')],
            () => client.call('role_upsert', { role: { name: role.name, model: spec.model, skills } }),
            () => (want ? existsSync(copy) && readFileSync(copy).equals(want) : !existsSync(copy)),
            { pollMs: 10 },
          ),
        );
      } catch {
        timeouts++;
      }
      await sleep(DEBOUNCE_MS + 60);
      await waitQuiet(d.pid, { windowMs: 50, windows: 2, maxTicks: 0, timeoutMs: 10_000 }).catch(() => {});
    }
    const upsert = latencySummary(samples);
    log(
      `  role_upsert → converged: ${upsert.n} samples, p50 ${upsert.p50_ms} p95 ${upsert.p95_ms} p99 ${upsert.p99_ms} ms (debounce ${DEBOUNCE_MS} ms), timeouts ${timeouts}`,
    );
    return {
      api: {
        status_p99_ms: status.p99_ms,
        status_during_convergence: {
          ...status,
          roles: opts.roles,
          skills_per_role: opts.skillsPerRole,
          converged_seconds: round(readyAt / 1000, 2),
        },
        event_loop_delay_p99_ms: lag.p99,
        event_loop_delay_max_ms: lag.max,
        upsert_to_converged_p99_ms: upsert.p99_ms,
        upsert_to_converged: { ...upsert, debounce_ms: DEBOUNCE_MS, timeouts },
        // The machine is shared: the load average says how much CPU the daemon could get.
        loadavg_start: round(load0, 2),
        loadavg_end: round(loadavg()[0]!, 2),
        mode: opts.quick ? 'quick' : 'full',
        date: new Date().toISOString(),
      },
    };
  } finally {
    await d.stop();
    if (opts.keep) log(`kept ${fx.root}`);
  }
}

await runIfMain(import.meta.url, 'api.ts', benchApi, (figures) => {
  const a = figures.api as Record<string, number>;
  return [
    {
      figure: 'api.status_p99_ms',
      value: a.status_p99_ms,
      unit: 'ms',
      target: '≤ 50',
      pass: a.status_p99_ms <= 50,
      note: 'GET /status during a cold convergence',
    },
    {
      figure: 'api.event_loop_delay_p99_ms',
      value: a.event_loop_delay_p99_ms,
      unit: 'ms',
      note: `the daemon's own, same window; max ${a.event_loop_delay_max_ms} ms`,
    },
    {
      figure: 'api.upsert_to_converged_p99_ms',
      value: a.upsert_to_converged_p99_ms,
      unit: 'ms',
      target: `≤ ${DEBOUNCE_MS + 100}`,
      pass: a.upsert_to_converged_p99_ms <= DEBOUNCE_MS + 100,
    },
  ];
});
