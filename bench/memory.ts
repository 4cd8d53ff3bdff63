/**
 * Daemon memory at scale and idle CPU: `hero-team serve` over a 10,000-skill registry and 100 roles
 * (50 skills each), started on an empty roles dir.
 *
 *   npx tsx bench/memory.ts [--quick] [--idle-seconds=N] [--from-sources] [--daemon-node-args='--max-semi-space-size=2']
 *
 * The daemon is `node --no-memory-reducer bin/hero-team.js serve` (DAEMON_NODE_FLAGS, as `npm start`) running
 * the bundle (built first, as `npm start` does); `--daemon-node-args=--memory-reducer` turns the reducer back on;
 * `--from-sources` runs it through tsx instead (HERO_TEAM_FROM_SOURCES=1), as before the bundle.
 *
 * - memory.rss_mb_10k_skills: VmHWM (peak RSS) of the daemon from /proc/<pid>/status at the end of the idle
 *   window (or at convergence, if that read higher), so a peak after convergence counts (V8's memory reducer,
 *   where it runs, compacts the heap some seconds after the last activity, copying live objects to new pages
 *   first); also the peak once every role converged and the daemon went quiet (`rss_peak_at_convergence_mb`),
 *   VmRSS then, and the inotify watches.
 * - idle.cpu_percent: utime+stime from /proc/<pid>/stat over a quiet window (30 s; 10 s with --quick).
 */
import { build } from '../scripts/build.js';
import { makeFixture } from './lib/fixture.ts';
import { type BenchOptions, daemonNodeArgs } from './lib/options.ts';
import { CLK_TCK, cpuTicks, inotifyWatches, memoryOf, sleep, startDaemon, waitConverged } from './lib/proc.ts';
import type { Figures } from './lib/results.ts';
import { runIfMain } from './lib/standalone.ts';
import { round } from './lib/stats.ts';

/** Run the memory and idle bench; returns the figures for latest.json. */
export async function benchMemory(opts: BenchOptions, log: (s: string) => void = console.log): Promise<Figures> {
  const t0 = performance.now();
  const fx = makeFixture({
    roles: opts.memRoles,
    skillsPerRole: opts.memSkillsPerRole,
    registrySkills: opts.memSkills,
  });
  log(
    `memory: registry of ${opts.memSkills} skills (${opts.memSkills * 3} files) generated in ${round((performance.now() - t0) / 1000, 1)} s; ${opts.memRoles} roles × ${opts.memSkillsPerRole} skills`,
  );
  // What `npm start` runs: the bundle, built first (bin/hero-team.js falls back to tsx when it is stale).
  if (!opts.fromSources) await build({ log: (s) => log(`  ${s}`) });
  const env = {
    ...fx.env,
    ...(opts.fromSources ? { HERO_TEAM_FROM_SOURCES: '1' } : {}),
    ...(opts.lowMemory ? { HERO_TEAM_LOW_MEMORY: '1' } : {}),
  };
  const nodeArgs = daemonNodeArgs(opts);
  const d = startDaemon(env, nodeArgs);
  try {
    const starting = await d.waitLog((r) => r.msg === 'hero_team starting', 60_000, 'daemon starting');
    const runtime = String(starting.code ?? '').endsWith('.ts') ? 'tsx' : 'bundle';
    const v8Flags = (starting.v8Flags as string[] | undefined) ?? [];
    const memoryReducer = starting.memoryReducer === true;
    log(
      `  daemon runs ${runtime === 'bundle' ? 'dist/hero-team.js (bundle)' : 'the sources through tsx'}; node flags: ${nodeArgs.join(' ') || 'none'}; V8 flags it set: ${v8Flags.join(' ') || 'none'}; V8 memory reducer ${memoryReducer ? 'on' : 'off'}`,
    );
    const ready = await d.waitLog((r) => r.msg === 'watching and converging', 600_000, 'daemon start');
    const startSeconds = (ready.t - d.startedAt) / 1000;
    const memAtStart = memoryOf(d.pid);
    const converged = await waitConverged(d, opts.memRoles, true, 600_000);
    const mem = memoryOf(d.pid);
    const watches = inotifyWatches(d.pid);
    log(
      `  started (registry scanned, watchers ready) in ${round(startSeconds, 2)} s, rss then ${round(memAtStart.rssMb, 1)} MB; converged in ${round(converged, 2)} s; peak RSS ${round(mem.peakMb, 1)} MB, RSS ${round(mem.rssMb, 1)} MB, ${watches} inotify watches`,
    );
    // Idle: CPU ticks in 5 s slices (with the memory reducer on, its compacting GCs land in one slice ~15-20 s after convergence).
    const slices: number[] = [];
    const w0 = performance.now();
    let last = cpuTicks(d.pid);
    for (let i = 0; i < Math.ceil(opts.idleSeconds / 5); i++) {
      await sleep(5000);
      const now = cpuTicks(d.pid);
      slices.push(now - last);
      last = now;
    }
    const seconds = (performance.now() - w0) / 1000;
    const ticks = slices.reduce((a, b) => a + b, 0);
    const cpu = (ticks / CLK_TCK / seconds) * 100;
    const after = memoryOf(d.pid);
    log(
      `  idle: ${ticks} ticks in ${round(seconds, 1)} s = ${round(cpu, 3)} % CPU (per 5 s: ${slices.join(' ')}); RSS after ${round(after.rssMb, 1)} MB, peak RSS ${round(after.peakMb, 1)} MB`,
    );
    return {
      memory: {
        // The larger of the two readings: VmHWM can read a little lower later (the kernel's RSS counters are approximate).
        rss_mb_10k_skills: round(Math.max(mem.peakMb, after.peakMb), 1),
        rss_peak_at_convergence_mb: round(mem.peakMb, 1),
        rss_now_mb: round(mem.rssMb, 1),
        rss_after_start_mb: round(memAtStart.rssMb, 1),
        start_seconds: round(startSeconds, 2),
        converge_seconds: round(converged, 2),
        inotify_watches: watches,
        node_flags: nodeArgs.join(' '),
        memory_reducer: memoryReducer,
        low_memory: opts.lowMemory,
        runtime,
        v8_flags: v8Flags.join(' '),
        registry_skills: opts.memSkills,
        registry_files: opts.memSkills * 3,
        roles: opts.memRoles,
        skills_per_role: opts.memSkillsPerRole,
      },
      idle: {
        cpu_percent: round(cpu, 3),
        window_seconds: round(seconds, 1),
        ticks,
        ticks_per_5s: slices,
        rss_mb_after: round(after.rssMb, 1),
      },
    };
  } finally {
    await d.stop();
    if (opts.keep) log(`kept ${fx.root}`);
  }
}

await runIfMain(import.meta.url, 'memory.ts', benchMemory, (figures) => {
  const m = figures.memory as Record<string, number>;
  const i = figures.idle as Record<string, number>;
  return [
    {
      figure: 'daemon peak RSS, 10k skills',
      value: m.rss_mb_10k_skills,
      unit: 'MB',
      note: `${m.inotify_watches} inotify watches; start ${m.start_seconds} s`,
    },
    { figure: 'idle CPU', value: i.cpu_percent, unit: '%', note: `${i.window_seconds} s window` },
  ];
});
