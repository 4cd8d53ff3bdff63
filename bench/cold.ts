/**
 * Cold convergence and no-op resync against `cp -r` of the same bytes into the same layout.
 *
 *   npx tsx bench/cold.ts [--quick] [--repeats=N]
 *
 * Three figures per run, each the median of the repeats:
 * - engine: in a fresh child process, load sources and reconcile every role (what `hero-team sync` does after
 *   its imports); this is `cold.seconds`.
 * - CLI: wall time of `node bin/hero-team.js sync` (adds tsx startup, reported on its own as startup).
 * - floor: `cp -r` of each role's whitelisted skill directories into `<dest>/<role>/skills/`, one `cp` per role
 *   from one shell; plus `sync` after it (hero-team fsyncs every file it writes, `cp` does not).
 * No-op: on the converged tree, a fresh engine process (what a no-op `hero-team sync` costs after its imports)
 * whose second pass is the daemon's resync: inputs re-read, every role reconciled, caches warm. The resync is
 * `noop.seconds`; the fresh process is `noop.fresh_seconds`. Writes are counted from inode+mtime of every file.
 * Every run writes into a fresh directory; nothing is deleted until the end (see bench/lib/fixture.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../scripts/build.js';
import type { EnginePass } from './lib/engine-child.ts';
import { type Fixture, makeFixture } from './lib/fixture.ts';
import type { BenchOptions } from './lib/options.ts';
import { BIN, timeCommand } from './lib/proc.ts';
import type { Figures } from './lib/results.ts';
import { diffSnapshots, snapshotTree } from './lib/snapshot.ts';
import { runIfMain } from './lib/standalone.ts';
import { median, round } from './lib/stats.ts';

const ENGINE_CHILD = fileURLToPath(new URL('./lib/engine-child.ts', import.meta.url));

/** Run the engine child against `rolesDir`; returns its passes. */
async function runEngine(fx: Fixture, rolesDir: string, passes: number): Promise<EnginePass[]> {
  const r = await timeCommand(process.execPath, ['--import', 'tsx', ENGINE_CHILD, `--passes=${passes}`], {
    ...fx.env,
    KIMI_ROLES_DIR: rolesDir,
  });
  if (r.code !== 0) throw new Error(`engine child failed (${r.code}): ${r.stderr.slice(0, 2000)}`);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { passes: EnginePass[] }).passes;
}

/** Sum of "written N" over the lines of `hero-team sync`. */
function cliWritten(stdout: string): number {
  return [...stdout.matchAll(/written (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

/** Shell script file: one `cp -r` (or rsync) per role of its whitelisted skill dirs into <dest>/<role>/skills/. */
function cpScript(fx: Fixture, dest: string, tool: 'cp' | 'rsync' | 'true'): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const lines = fx.roles.map((r) => {
    if (tool === 'true') return '/bin/true && /bin/true';
    const target = join(dest, r.name, 'skills');
    const srcs = r.skills.map((s) => q(join(fx.skillsDir, s))).join(' ');
    return `mkdir -p ${q(target)} && ${tool === 'cp' ? 'cp -r' : 'rsync -a'} ${srcs} ${q(target)}/`;
  });
  const file = join(fx.root, `${tool}-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, ['set -e', ...lines, ''].join('\n'));
  return file;
}

/** Flush dirty pages so one measurement's writeback does not land in the next one; returns its duration. */
async function flush(): Promise<number> {
  return (await timeCommand('sync', [])).seconds;
}

/** A fresh, empty directory under the fixture (never a deleted-and-recreated one: see fixture.ts). */
function freshDir(fx: Fixture, name: string): string {
  const dir = join(fx.root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Measure cold and no-op convergence; returns the figures for latest.json. */
export async function benchCold(opts: BenchOptions, log: (s: string) => void = console.log): Promise<Figures> {
  // The CLI timings run bin/hero-team.js as a user does: through the bundle, built here if the sources changed.
  if (!opts.fromSources) await build({ log: (s) => log(`  ${s}`) });
  const fx = makeFixture({ roles: opts.roles, skillsPerRole: opts.skillsPerRole, registrySkills: opts.registrySkills });
  // A registry is not written in the seconds before a sync; hero-team keeps no digest of a file changed within
  // the last 2 s (a later write could hide behind an equal timestamp), so let the fresh fixture age that long.
  const fixtureAt = Date.now();
  const hasRsync = (await timeCommand('sh', ['-c', 'command -v rsync'])).code === 0;
  const s = {
    cp: [] as number[],
    cpSpawn: [] as number[],
    cpSync: [] as number[],
    rsync: [] as number[],
    ratio: [] as number[],
    engine: [] as number[],
    engineCpu: [] as number[],
    engineScan: [] as number[],
    cli: [] as number[],
    startup: [] as number[],
    noop: [] as number[],
    noopCpu: [] as number[],
    noopWarm: [] as number[],
    noopCli: [] as number[],
    noopWrites: [] as number[],
    noopReported: [] as number[],
    files: 0,
  };
  log(
    `cold: ${opts.roles} roles × ${opts.skillsPerRole} skills of ${opts.registrySkills} (3 files × 4 KB), ${opts.repeats} repeats; ${hasRsync ? 'rsync present' : 'no rsync on this machine'}`,
  );
  await new Promise((r) => setTimeout(r, Math.max(0, fixtureAt + 2100 - Date.now())));
  for (let rep = 0; rep < opts.repeats; rep++) {
    // Floor: cp -r of the same bytes into the same layout, then the flush that hero-team's fsyncs pay for.
    await flush();
    const cp = await timeCommand('sh', [cpScript(fx, freshDir(fx, `cp-${rep}`), 'cp')]);
    if (cp.code !== 0) throw new Error(`cp failed: ${cp.stderr}`);
    s.cp.push(cp.seconds);
    s.cpSync.push(cp.seconds + (await flush()));
    // What the floor spends on starting its 2 processes per role (mkdir, cp), as the same script with `true`.
    s.cpSpawn.push((await timeCommand('sh', [cpScript(fx, '', 'true')])).seconds);
    if (hasRsync)
      s.rsync.push((await timeCommand('sh', [cpScript(fx, freshDir(fx, `rsync-${rep}`), 'rsync')])).seconds);
    // Engine, cold: fresh process, empty roles dir.
    await flush();
    const engineDir = freshDir(fx, `roles-engine-${rep}`);
    const [cold] = await runEngine(fx, engineDir, 1);
    s.engine.push(cold!.seconds);
    s.engineCpu.push(cold!.cpuSeconds);
    s.engineScan.push(cold!.scanSeconds);
    s.ratio.push(cold!.seconds / cp.seconds);
    s.files = snapshotTree(engineDir).size;
    // Engine, no-op: fresh process on the converged tree, then a warm pass (the daemon's resync); count files touched.
    await flush();
    let before = snapshotTree(engineDir);
    // Pass 1: a fresh process. Passes 2 and 3: resyncs of a process that has run before (the daemon's, whose JIT
    // is warm after minutes of running); the later one is reported.
    const [noop, warm1, warm] = await runEngine(fx, engineDir, 3);
    s.noopWrites.push(diffSnapshots(before, snapshotTree(engineDir)).written.length);
    s.noopReported.push(noop!.written + warm1!.written + warm!.written);
    s.noop.push(noop!.seconds);
    s.noopCpu.push(noop!.cpuSeconds);
    s.noopWarm.push(warm!.seconds);
    // CLI, cold and no-op: what a user sees, tsx startup included.
    await flush();
    const cliEnv = { ...fx.env, KIMI_ROLES_DIR: freshDir(fx, `roles-cli-${rep}`) };
    const cli = await timeCommand(process.execPath, [BIN, 'sync'], cliEnv);
    if (cli.code !== 0) throw new Error(`hero-team sync failed: ${cli.stderr}${cli.stdout}`);
    s.cli.push(cli.seconds);
    await flush();
    before = snapshotTree(cliEnv.KIMI_ROLES_DIR!);
    const cliNoop = await timeCommand(process.execPath, [BIN, 'sync'], cliEnv);
    s.noopWrites.push(diffSnapshots(before, snapshotTree(cliEnv.KIMI_ROLES_DIR!)).written.length);
    s.noopReported.push(cliWritten(cliNoop.stdout));
    s.noopCli.push(cliNoop.seconds);
    s.startup.push((await timeCommand(process.execPath, [BIN, 'help'], fx.env)).seconds);
    log(
      `  rep ${rep + 1}: cp ${round(cp.seconds)} s, engine cold ${round(cold!.seconds)} s (${round(cold!.seconds / cp.seconds, 2)}× cp), noop ${round(noop!.seconds)} s (warm ${round(warm!.seconds)} s), CLI cold ${round(cli.seconds)} s, CLI noop ${round(cliNoop.seconds)} s`,
    );
  }
  if (opts.keep) log(`kept ${fx.root}`);
  const m = (xs: number[]) => round(median(xs));
  const cold = m(s.engine);
  const cp = m(s.cp);
  return {
    cold: {
      seconds: cold,
      ratio_vs_cp: round(median(s.ratio), 2),
      ratio_vs_cp_sync: round(cold / m(s.cpSync), 2),
      cpu_seconds: m(s.engineCpu),
      scan_seconds: m(s.engineScan),
      cli_seconds: m(s.cli),
      cli_ratio_vs_cp: round(m(s.cli) / cp, 2),
      startup_seconds: m(s.startup),
      cp_seconds: cp,
      cp_sync_seconds: m(s.cpSync),
      cp_spawn_seconds: m(s.cpSpawn),
      ratio_vs_cp_net: round(cold / Math.max(0.001, cp - m(s.cpSpawn)), 2),
      rsync_seconds: hasRsync ? m(s.rsync) : null,
      // What the engine costs beyond the floor, per repeat (median): steadier than the ratio, whose floor this
      // VM's disk moves by 3× from day to day while the engine's own CPU work stays.
      overhead_seconds: m(s.engine.map((e, i) => e - s.cp[i]!)),
      roles: opts.roles,
      skills_per_role: opts.skillsPerRole,
      registry_skills: opts.registrySkills,
      files: s.files,
      mb_copied: round((opts.roles * opts.skillsPerRole * 3 * 4096) / 1e6, 1),
      repeats: opts.repeats,
      samples_seconds: s.engine.map((x) => round(x)),
      cp_samples_seconds: s.cp.map((x) => round(x)),
    },
    // `noop` is the daemon's full resync (the issue's "full resync with nothing changed"): every input re-read,
    // every role reconciled, in the running process. `fresh_*` is a no-op `hero-team sync` in a new process
    // (cold JIT, every registry file hashed), which earlier runs reported as noop.seconds.
    noop: {
      seconds: m(s.noopWarm),
      writes: Math.max(...s.noopWrites),
      writes_reported: Math.max(...s.noopReported),
      ratio_vs_cold: round(m(s.noopWarm) / cold, 3),
      fresh_seconds: m(s.noop),
      fresh_ratio_vs_cold: round(m(s.noop) / cold, 3),
      fresh_cpu_seconds: m(s.noopCpu),
      cli_seconds: m(s.noopCli),
      samples_seconds: s.noopWarm.map((x) => round(x)),
      fresh_samples_seconds: s.noop.map((x) => round(x)),
    },
  };
}

await runIfMain(import.meta.url, 'cold.ts', benchCold, (figures) => {
  const c = figures.cold as Record<string, number>;
  const n = figures.noop as Record<string, number>;
  return [
    {
      figure: 'cold (engine)',
      value: c.seconds,
      unit: 's',
      note: `${c.ratio_vs_cp}× cp -r (${c.cp_seconds} s), ${c.ratio_vs_cp_sync}× cp -r + sync (${c.cp_sync_seconds} s); ${c.overhead_seconds} s over cp -r`,
    },
    { figure: 'cold (CLI)', value: c.cli_seconds, unit: 's', note: `startup ${c.startup_seconds} s` },
    {
      figure: 'noop (daemon resync)',
      value: n.seconds,
      unit: 's',
      note: `${n.writes} writes, ${n.ratio_vs_cold} of cold; fresh process ${n.fresh_seconds} s (${n.fresh_ratio_vs_cold})`,
    },
  ];
});
