/**
 * Where the time of GET /status goes while the daemon converges R roles cold: for each request, the time to the
 * response head (the daemon's event loop reaching it), to the last byte (the body draining through the socket)
 * and to the decoded document (the client). A diagnostic beside bench/api.ts, which reports only the total; it
 * saves nothing.
 *
 *   npx tsx bench/status-probe.ts [--quick] [--encoding=br,gzip|identity] [--pause-ms=2] [--env=NAME=VALUE,...]
 *
 * `--env` passes variables to the daemon (e.g. `--env=HERO_TEAM_HELPER_NICE=0,HERO_TEAM_CONCURRENCY=4`).
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { build } from '../scripts/build.js';
import { socketAnswers } from '../src/api/socket-probe.ts';
import { apiFixture } from './lib/api-fixture.ts';
import { cleanupAll } from './lib/fixture.ts';
import { daemonNodeArgs, parseOptions } from './lib/options.ts';
import { sleep, startDaemon } from './lib/proc.ts';
import { round } from './lib/stats.ts';

interface Sample {
  head: number;
  lastByte: number;
  decoded: number;
  bytes: number;
  ready: boolean;
}

/** One GET /status, timed; `ready` when every one of `roles` roles is Ready and the daemon says so. */
function getStatus(socket: string, encoding: string, roles: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const headers: Record<string, string> = { host: 'localhost' };
    if (encoding !== 'identity') headers['accept-encoding'] = encoding;
    const req = request({ socketPath: socket, path: '/status', headers }, (res) => {
      const head = performance.now() - t0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const lastByte = performance.now() - t0;
        const raw = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const body = enc === 'br' ? brotliDecompressSync(raw) : enc === 'gzip' ? gunzipSync(raw) : raw;
        const doc = JSON.parse(body.toString('utf8'));
        const ready =
          doc.global.ready && doc.roles.length === roles && doc.roles.every((r: any) => r.phase === 'Ready');
        resolve({ head, lastByte, decoded: performance.now() - t0, bytes: raw.length, ready });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function quantiles(values: number[]): string {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => round(v[Math.min(v.length - 1, Math.ceil(v.length * p) - 1)]!, 1);
  return `p50 ${q(0.5)} p99 ${q(0.99)} max ${round(v.at(-1)!, 1)}`;
}

const argv = process.argv.slice(2);
const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const opts = parseOptions(argv);
const encoding = arg('encoding') ?? 'br, gzip';
const pauseMs = Number(arg('pause-ms') ?? 2);
const extraEnv = Object.fromEntries(
  (arg('env') ?? '')
    .split(',')
    .filter(Boolean)
    .map((kv) => kv.split('=', 2)),
);
await build({ log: () => {} });
const { fx, socket } = apiFixture(opts);
await sleep(2100); // as bench/api.ts: no digest is kept of a file changed within the last 2 s
const d = startDaemon(
  { ...fx.env, HERO_TEAM_DEBOUNCE_MS: '100', LOG_LEVEL: 'warn', ...extraEnv },
  daemonNodeArgs(opts),
);
try {
  while (!(await socketAnswers(socket, 200))) await sleep(5);
  const samples: Sample[] = [];
  for (;;) {
    const s = await getStatus(socket, encoding, opts.roles);
    if (s.ready) break;
    samples.push(s);
    await sleep(pauseMs);
  }
  const converged = (performance.now() - d.startedAt) / 1000;
  console.log(
    `${opts.roles} roles × ${opts.skillsPerRole} skills cold, Accept-Encoding "${encoding}": converged ${round(converged, 2)} s after spawn, ${samples.length} requests of ~${samples.at(-1)?.bytes ?? 0} bytes`,
  );
  for (const k of ['head', 'lastByte', 'decoded'] as const)
    console.log(`  ${k.padEnd(8)} ${quantiles(samples.map((s) => s[k]))} ms`);
} finally {
  await d.stop();
  cleanupAll();
}
