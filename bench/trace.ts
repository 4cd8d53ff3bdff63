/**
 * Timeline of single hot-skill edits against a running daemon: when each woken role's reconcile started and
 * ended, relative to the edit, from the daemon's debug log. A diagnostic for propagation, not a figure.
 *
 *   [HERO_TEAM_CONCURRENCY=N] [UV_THREADPOOL_SIZE=N] npx tsx bench/trace.ts [--quick] [--samples=N] [--low-memory] [--daemon-node-args='...']
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupAll, makeFixture, skillFileContent } from './lib/fixture.ts';
import { daemonNodeArgs, parseOptions } from './lib/options.ts';
import { sleep, startDaemon, waitConverged, waitQuiet } from './lib/proc.ts';
import { median, round } from './lib/stats.ts';

const opts = parseOptions(process.argv.slice(2));
const samples = process.argv.some((a) => a.startsWith('--samples=')) ? opts.samples : 10;
const debounce = Number(process.env.HERO_TEAM_DEBOUNCE_MS ?? 100);
const fx = makeFixture({
  roles: opts.roles,
  skillsPerRole: opts.skillsPerRole,
  registrySkills: opts.registrySkills,
  hotRoles: 10,
});
const d = startDaemon(
  {
    ...fx.env,
    HERO_TEAM_DEBOUNCE_MS: String(debounce),
    LOG_LEVEL: 'debug',
    ...(opts.lowMemory ? { HERO_TEAM_LOW_MEMORY: '1' } : {}),
  },
  daemonNodeArgs(opts),
);
const totals: number[] = [];
const busy: number[] = [];
try {
  await waitConverged(d, opts.roles, true, 600_000);
  await waitQuiet(d.pid);
  console.log(`edits start at monotonic ${process.hrtime.bigint() / 1000n} µs`);
  for (let i = 0; i < samples; i++) {
    await sleep(300);
    await waitQuiet(d.pid, { windowMs: 100, windows: 2 });
    const from = d.records.length;
    const content = Buffer.from(skillFileContent(fx.hot.skill, 'SKILL.md', 4096, 5000 + i));
    const copies = fx.hot.roles.map((r) => join(fx.rolesDir, r, 'skills', fx.hot.skill, 'SKILL.md'));
    const t0 = Date.now();
    writeFileSync(join(fx.skillsDir, fx.hot.skill, 'SKILL.md'), content);
    let done = 0;
    while (
      !copies.every((c) => {
        try {
          return readFileSync(c).equals(content);
        } catch {
          return false;
        }
      })
    )
      await sleep(2);
    done = Date.now() - t0;
    await sleep(debounce + 150);
    const recs = d.records.slice(from).filter((r) => typeof r.durationMs === 'number' && typeof r.time === 'number');
    const spans = recs.map((r) => ({
      role: String(r.role),
      end: (r.time as number) - t0,
      ms: r.durationMs as number,
      msg: String(r.msg),
      phases: r.phasesMs ? JSON.stringify(r.phasesMs) : '',
    }));
    totals.push(done);
    busy.push(spans.filter((s) => s.end <= done + 1).reduce((a, s) => a + s.ms, 0));
    const msgs = new Map<string, number>();
    for (const r of d.records.slice(from))
      if (typeof r.durationMs !== 'number') msgs.set(String(r.msg), (msgs.get(String(r.msg)) ?? 0) + 1);
    console.log(
      `edit ${i}: all copies after ${done} ms; ${spans.length} reconciles; other log lines: ${JSON.stringify(Object.fromEntries(msgs))}`,
    );
    for (const s of spans.sort((a, b) => a.end - b.end))
      console.log(
        `  ${s.role.padEnd(10)} ${String(round(s.end - s.ms, 1)).padStart(6)} → ${String(s.end).padStart(4)} ms  (${round(s.ms, 1)} ms, ${s.msg}) ${s.phases}`,
      );
  }
  console.log(`median all-copies ${median(totals)} ms; median reconcile ms summed before it ${round(median(busy), 1)}`);
} finally {
  await d.stop();
  if (!opts.keep) cleanupAll();
}
