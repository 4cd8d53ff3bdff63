/**
 * Issue 12 item 3 as a stress test: hand edits (appends, editor-style atomic saves, in-place rewrites) land
 * while reconciles revert the file; every edit must end up in the final file or in a backup. Modest scale in
 * `npm test`; HERO_TEAM_STRESS=1 runs the large scale.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type ReconcileDeps, reconcileRole } from '../../src/controllers/reconcile.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { silentLogger } from '../../src/log.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

const EDITS = process.env.HERO_TEAM_STRESS ? 5000 : 400;

/** The editor: one edit at a time, each a marker line, by one of three ways of saving; prints each marker once it landed. */
const EDITOR = `
const fs = require('node:fs');
const [path, count] = [process.argv[1], Number(process.argv[2])];
const nap = new Int32Array(new SharedArrayBuffer(4));
const read = () => { for (;;) { try { return fs.readFileSync(path, 'utf8'); } catch (e) { if (e.code !== 'ENOENT') throw e; } } };
for (let i = 0; i < count; i++) {
  const marker = '# edit ' + i + '\\n';
  const how = i % 3;
  if (how === 0) fs.appendFileSync(path, marker);
  else if (how === 1) { const tmp = path + '.edit-' + i; fs.writeFileSync(tmp, read() + marker); fs.renameSync(tmp, path); }
  else { const text = read(); fs.writeFileSync(path, text + marker); }
  process.stdout.write(i + '\\n');
  Atomics.wait(nap, 0, 0, 8 + Math.random() * 8);
}
`;

let tree: TestTree;
const tmp = process.env.TMPDIR;
beforeEach(() => {
  // On tmpfs where there is one: fsync costs nothing there, so the race runs many more reverts per second.
  if (existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';
  tree = makeTree();
});
afterEach(() => {
  tree.cleanup();
  if (tmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmp;
});

/** Every file's text under a directory, recursively. */
function allTexts(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
  } catch {
    return [];
  }
}

it(`loses no hand edit while reverts run (${EDITS} edits)`, { timeout: 600_000 }, async () => {
  addSkill(tree, 'tdd');
  writeStore(tree, [{ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] }]);
  const sources = new Sources(tree.paths);
  await sources.loadAll();
  const deps: ReconcileDeps = sources.reconcileDeps({
    paths: tree.paths,
    env: {},
    clock: { now: () => Date.now() },
    log: silentLogger(),
  });
  await reconcileRole('dev', deps);
  const config = join(tree.paths.rolesDir, 'dev', 'config.toml');

  const editor = spawn(process.execPath, ['-e', EDITOR, config, String(EDITS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let landed = 0;
  editor.stdout.on('data', (c: Buffer) => (landed += c.toString().split('\n').length - 1));
  const exited = new Promise<number | null>((r) => editor.on('exit', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  let reconciles = 0;
  let reverts = 0;
  let raced = 0;
  while (!done) {
    await new Promise((r) => setImmediate(r)); // let the editor's output and exit be read
    try {
      const out = await reconcileRole('dev', deps);
      reconciles++;
      if (out.result?.backups) reverts++;
      if (out.result?.raced?.length) raced++;
    } catch {
      // a file vanishing under observe (the editor's rename): the next reconcile looks again
    }
  }
  expect(await exited).toBe(0);
  for (let i = 0; i < 3; i++) await reconcileRole('dev', deps);

  const texts = [...allTexts(join(tree.paths.home, 'backups', 'dev')), readFileSync(config, 'utf8')].join('');
  const lost = Array.from({ length: EDITS }, (_, i) => i).filter((i) => !texts.includes(`# edit ${i}\n`));
  console.log(
    `revert race: ${EDITS} edits landed=${landed}, reconciles=${reconciles}, reverts (interleavings)=${reverts}, raced=${raced}, lost=${lost.length}`,
  );
  expect(landed).toBe(EDITS);
  expect(reverts).toBeGreaterThan(EDITS / 5);
  expect(lost).toEqual([]);
});
