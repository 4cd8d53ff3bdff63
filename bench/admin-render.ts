/**
 * Server render time of the admin dashboard: the Roles tab with 100 roles and the Skills tab with a
 * 10,000-skill registry (goal: under 200 ms each). In-process: a real manager over a generated tree (one cold
 * convergence first, no watchers), the API's dispatcher, the dashboard app; each figure is the time of
 * `app.request()` for the whole page, after warm-up.
 *
 *   npx tsx bench/admin-render.ts [--roles=100] [--skills=10000] [--samples=30]
 */
import { createAdminApp } from '../src/api/admin/app.tsx';
import { adminDeps } from '../src/api/admin/wire.ts';
import { createApiApp } from '../src/api/app.ts';
import { Control } from '../src/api/control.ts';
import { systemClock } from '../src/clock.ts';
import { loadConfig } from '../src/config.ts';
import { Manager } from '../src/controllers/manager.ts';
import { silentLogger } from '../src/log.ts';
import { makeFixture } from './lib/fixture.ts';
import { latencySummary } from './lib/stats.ts';

const arg = (name: string, dflt: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const roles = arg('roles', 100);
const skills = arg('skills', 10_000);
const samples = arg('samples', 30);

let t = performance.now();
const fx = makeFixture({ roles, skillsPerRole: 5, registrySkills: skills, fileBytes: 256 });
console.log(
  `fixture: ${roles} roles × 5 skills, registry of ${skills + 1} skills (${Math.round(performance.now() - t)} ms)`,
);
const config = loadConfig(fx.env);
const log = silentLogger();
const manager = new Manager({
  paths: config.paths,
  tuning: config.tuning,
  env: fx.env,
  clock: systemClock,
  log,
  watch: false,
});
t = performance.now();
await manager.start();
await manager.settled(600_000);
console.log(`cold convergence: ${Math.round(performance.now() - t)} ms`);
const control = new Control({ manager, paths: config.paths, env: fx.env, clock: systemClock, version: 'bench' });
const api = createApiApp({ control, log });
const { app } = createAdminApp(adminDeps(control, api.dispatcher), log);

/** Time `samples` whole-page renders of `path` after 3 warm-ups; checks the answer is the page. */
async function time(path: string, expect: string): Promise<ReturnType<typeof latencySummary> & { bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 3; i++) await app.request(path);
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await app.request(path);
    const body = await res.text();
    ms.push(performance.now() - t0);
    if (res.status !== 200 || !body.includes(expect))
      throw new Error(`${path}: status ${res.status}, page without ${expect}`);
    bytes = body.length;
  }
  return { ...latencySummary(ms), bytes };
}

const rows = {
  [`roles tab (${roles} roles)`]: await time('/roles', `data-role="role-${String(roles - 1).padStart(3, '0')}"`),
  [`skills tab (${skills} skills, page 1)`]: await time('/skills', 'data-skill='),
  'skills tab filtered ("s001")': await time('/skills?q=s001', 'data-skill='),
  'skill_list (whole registry, alone)': await (async () => {
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await api.dispatcher.call('skill_list', {});
      ms.push(performance.now() - t0);
    }
    return { ...latencySummary(ms), bytes: 0 };
  })(),
};
console.log(`node ${process.version}, ${samples} samples each (ms):`);
for (const [name, r] of Object.entries(rows))
  console.log(
    `  ${name.padEnd(40)} p50 ${r.p50_ms.toFixed(1).padStart(7)}  p95 ${r.p95_ms.toFixed(1).padStart(7)}  max ${r.max_ms.toFixed(1).padStart(7)}${r.bytes ? `  ${Math.round(r.bytes / 1024)} KB` : ''}`,
  );
await manager.stop();
api.metrics.close();
fx.cleanup();
