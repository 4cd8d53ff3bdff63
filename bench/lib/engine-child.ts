/**
 * The convergence engine measured in-process, without CLI startup: what `hero-team sync` does after its
 * imports (load sources, reconcile every role through a bounded queue). Run as a child process so every
 * measurement starts with a fresh heap and an empty digest cache, like the CLI.
 *
 *   node --import tsx bench/lib/engine-child.ts [--passes=2]
 *
 * Pass 1 is a fresh process (`hero-team sync`); pass 2 reuses the loaded sources and warm digest cache,
 * which is what the daemon's periodic resync does. Prints one JSON line.
 */
import PQueue from 'p-queue';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config.ts';
import { type ReconcileDeps, reconcileRole } from '../../src/controllers/reconcile.ts';
import { RenderMemo } from '../../src/controllers/render/memo.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { StagingMemory } from '../../src/fs/staged-dir.ts';
import { SyncBarrier } from '../../src/fs/syncfs.ts';
import { silentLogger } from '../../src/log.ts';
import { manifestCache } from '../../src/observed/manifest.ts';
import { listManagedRoleDirs } from '../../src/observed/role-dir.ts';

/** Figures of one pass. */
export interface EnginePass {
  seconds: number;
  scanSeconds: number;
  roles: number;
  written: number;
  deleted: number;
  unchanged: number;
  failures: number;
  /** CPU time of the whole process (all threads) during the pass, seconds. */
  cpuSeconds: number;
}

async function pass(
  sources: Sources,
  deps: ReconcileDeps,
  concurrency: number,
  sweepTemps: boolean,
): Promise<EnginePass> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await sources.loadAll();
  const scanSeconds = (performance.now() - t0) / 1000;
  const names = [
    ...new Set([...sources.store!.roles.map((r) => r.name), ...(await listManagedRoleDirs(deps.paths.rolesDir))]),
  ];
  const queue = new PQueue({ concurrency });
  const out: EnginePass = {
    seconds: 0,
    scanSeconds,
    roles: names.length,
    written: 0,
    deleted: 0,
    unchanged: 0,
    failures: 0,
    cpuSeconds: 0,
  };
  await Promise.all(
    names.map((name) =>
      queue.add(async () => {
        try {
          const o = await reconcileRole(name, deps, { sweepTemps });
          out.written += o.result?.written ?? 0;
          out.deleted += o.result?.deleted ?? 0;
          out.unchanged += o.plan?.unchanged ?? 0;
        } catch {
          out.failures++;
        }
      }),
    ),
  );
  out.seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  out.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return out;
}

const passes = Number(process.argv.find((a) => a.startsWith('--passes='))?.slice(9) ?? 1);
const config = loadConfig(process.env);
const sources = new Sources(config.paths);
const deps: ReconcileDeps = {
  paths: config.paths,
  env: process.env,
  clock: systemClock,
  log: silentLogger(),
  registry: sources.registry,
  store: () => sources.store!,
  services: () => sources.services,
  barrier: new SyncBarrier(),
  staging: new StagingMemory(),
  renders: new RenderMemo(),
  manifests: manifestCache(),
};
const results: EnginePass[] = [];
for (let i = 0; i < passes; i++) results.push(await pass(sources, deps, config.tuning.concurrency, i === 0));
process.stdout.write(JSON.stringify({ passes: results, cacheEntries: sources.registry.cache.size }) + '\n');
