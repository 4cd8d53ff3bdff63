/**
 * Issue 12 item 4 as a stress test: while reconciles rewrite a skill's files, `skills/<name>` is swapped for a
 * symlink to a directory outside the role and back, over and over. Nothing outside may be written, replaced or
 * deleted, and no temp file may be left anywhere. Modest scale in `npm test`; HERO_TEAM_STRESS=1 for the large one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type ReconcileDeps, reconcileRole } from '../../src/controllers/reconcile.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { silentLogger } from '../../src/log.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

const ROUNDS = process.env.HERO_TEAM_STRESS ? 3000 : 300;
const FILES = ['SKILL.md', 'a.md', 'b.md', 'sub/c.md'];

/** The attacker: moves skills/alpha aside and puts a symlink to `outside` in its place, then undoes it, in a loop. */
const ATTACKER = `
const fs = require('node:fs');
const [dir, outside] = [process.argv[1], process.argv[2]];
const real = dir + '.real-' + process.pid;
const nap = new Int32Array(new SharedArrayBuffer(4));
let swaps = 0;
const undo = () => { try { if (fs.lstatSync(dir).isSymbolicLink()) fs.unlinkSync(dir); } catch {} try { fs.renameSync(real, dir); } catch { fs.rmSync(real, { recursive: true, force: true }); } };
process.on('SIGTERM', () => { undo(); process.stdout.write(String(swaps)); process.exit(0); });
setInterval(() => {
  try { fs.renameSync(dir, real); } catch { return; }
  try { fs.symlinkSync(outside, dir); swaps++; } catch {}
  Atomics.wait(nap, 0, 0, Math.random());
  undo();
}, 5);
`;

let tree: TestTree;
afterEach(() => tree.cleanup());
beforeEach(() => {
  tree = makeTree();
});

/** Every entry under a directory, recursively, with its text for files. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name).slice(dir.length + 1);
    out[p] = e.isFile() ? readFileSync(join(dir, p), 'utf8') : e.isDirectory() ? '<dir>' : '<other>';
  }
  return out;
}

it(`writes nothing outside the role while skills/<name> is swapped for a symlink (${ROUNDS} reconciles)`, {
  timeout: 600_000,
}, async () => {
  addSkill(tree, 'alpha', Object.fromEntries(FILES.slice(1).map((f) => [f, 'v0\n'])));
  writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
  const outside = join(tree.root, 'outside');
  mkdirSync(join(outside, 'sub'), { recursive: true });
  for (const f of FILES) writeFileSync(join(outside, f), `precious ${f}\n`);
  const before = snapshot(outside);
  const sources = new Sources(tree.paths, { scanShareMs: 0 });
  await sources.loadAll();
  const deps: ReconcileDeps = sources.reconcileDeps({
    paths: tree.paths,
    env: {},
    clock: { now: () => Date.now() },
    log: silentLogger(),
  });
  await reconcileRole('dev', deps);

  const skillDir = join(tree.paths.rolesDir, 'dev', 'skills', 'alpha');
  const attacker = spawn(process.execPath, ['-e', ATTACKER, skillDir, outside], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let swaps = '';
  attacker.stdout.on('data', (c: Buffer) => (swaps += c.toString()));
  let refused = 0;
  let written = 0;
  for (let i = 0; i < ROUNDS; i++) {
    // Each round changes every file of the skill, so every reconcile rewrites skills/alpha/*.
    for (const f of FILES)
      put(
        join(tree.paths.skillsDir, 'alpha', f),
        f === 'SKILL.md' ? `---\nname: alpha\ndescription: round ${i}\n---\n` : `v${i + 1}\n`,
      );
    try {
      written += (await reconcileRole('dev', deps)).result?.written ?? 0;
    } catch {
      refused++; // the swap was seen: nothing written through it
    }
    await new Promise((r) => setImmediate(r));
  }
  attacker.kill('SIGTERM');
  await new Promise((r) => attacker.on('exit', r));
  const last = await reconcileRole('dev', deps);

  console.log(`symlink swap: ${ROUNDS} reconciles, swaps=${swaps}, refused=${refused}, files written=${written}`);
  expect(snapshot(outside)).toEqual(before);
  const leftovers = Object.keys(snapshot(join(tree.paths.rolesDir, 'dev'))).filter((p) => p.includes('.hero-tmp-'));
  console.log(`symlink swap: temp or set-aside files left: ${leftovers.length}`);
  // The openat window (docs/user-guide.md): a temp or set-aside file may stay behind when its directory is
  // swapped at the very moment it is cleaned up. It only ever holds bytes hero_team wrote, never the user's.
  const ours = (text: string) =>
    /^v\d+\n$/.test(text) || /^---\nname: alpha\ndescription: round \d+\n---\n$/.test(text);
  for (const p of leftovers) expect(ours(readFileSync(join(tree.paths.rolesDir, 'dev', p), 'utf8')), p).toBe(true);
  expect(leftovers.length).toBeLessThanOrEqual(FILES.length * 2);
  expect(last.plan!.writes.length + (last.result?.written ?? 0)).toBeGreaterThanOrEqual(0);
  expect(readFileSync(join(skillDir, 'a.md'), 'utf8')).toBe(`v${ROUNDS}\n`);
  expect(Number(swaps)).toBeGreaterThan(ROUNDS / 4);
  expect(refused).toBeGreaterThan(0);
  expect(written).toBeGreaterThan(ROUNDS / 10);
  expect(existsSync(join(outside, 'a.md'))).toBe(true);
});
