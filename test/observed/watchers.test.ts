/** watchTree: one watch per directory still reports edits, adds, deletes and renames anywhere below the root. */
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inotifyWatches } from '../../bench/lib/proc.ts';
import { type ScopedTreeWatcher, type TreeWatcher, watchTree } from '../../src/observed/watchers.ts';
import { eventually } from '../helpers/cli.ts';

describe('watchTree', () => {
  let root: string;
  let seen: string[];
  let watcher: TreeWatcher | undefined;
  const start = async (opts = {}) => {
    watcher = await watchTree(
      root,
      opts,
      (p) => seen.push(p),
      (err) => {
        throw err;
      },
    );
  };
  const saw = (path: string) => eventually(() => seen.includes(path), 5000, `event for ${path}`);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ht-watch-'));
    seen = [];
    mkdirSync(join(root, 'alpha', 'scripts'), { recursive: true });
    writeFileSync(join(root, 'alpha', 'SKILL.md'), 'a\n');
    writeFileSync(join(root, 'alpha', 'scripts', 'run.sh'), 'echo\n');
  });

  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('reports in-place edits of files at any depth and flat files in the root', async () => {
    await start();
    appendFileSync(join(root, 'alpha', 'scripts', 'run.sh'), 'more\n');
    await saw(join(root, 'alpha', 'scripts', 'run.sh'));
    writeFileSync(join(root, 'flat.md'), '---\nname: flat\n---\n');
    await saw(join(root, 'flat.md'));
  });

  it('watches directories created after start, including files written before their watch existed', async () => {
    await start();
    mkdirSync(join(root, 'beta', 'refs', 'deep'), { recursive: true });
    writeFileSync(join(root, 'beta', 'refs', 'deep', 'x.md'), 'x\n');
    await saw(join(root, 'beta'));
    await eventually(() => seen.includes(join(root, 'beta', 'refs', 'deep', 'x.md')), 5000, 'file in new dir');
    seen.length = 0;
    appendFileSync(join(root, 'beta', 'refs', 'deep', 'x.md'), 'y\n');
    await saw(join(root, 'beta', 'refs', 'deep', 'x.md'));
  });

  it('follows a directory deleted and re-created, and one renamed', async () => {
    await start();
    rmSync(join(root, 'alpha'), { recursive: true });
    await saw(join(root, 'alpha'));
    mkdirSync(join(root, 'alpha', 'scripts'), { recursive: true });
    await eventually(() => seen.filter((p) => p === join(root, 'alpha')).length >= 2, 5000, 're-created dir');
    await new Promise((r) => setTimeout(r, 50));
    seen.length = 0;
    writeFileSync(join(root, 'alpha', 'scripts', 'new.sh'), 'n\n');
    await saw(join(root, 'alpha', 'scripts', 'new.sh'));
    renameSync(join(root, 'alpha'), join(root, 'gamma'));
    await saw(join(root, 'gamma'));
    await new Promise((r) => setTimeout(r, 50));
    seen.length = 0;
    writeFileSync(join(root, 'gamma', 'scripts', 'after.sh'), 'n\n');
    await saw(join(root, 'gamma', 'scripts', 'after.sh'));
  });

  it('follows symlinked directories and survives a symlink loop', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'ht-watch-target-'));
    try {
      symlinkSync(outside, join(root, 'linked'));
      symlinkSync(root, join(root, 'alpha', 'loop'));
      await start();
      writeFileSync(join(outside, 'SKILL.md'), 'l\n');
      await saw(join(root, 'linked', 'SKILL.md'));
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('ignores temp files, editor noise and what the ignore option says', async () => {
    await start({ ignore: (p: string) => p.endsWith('/.manifest.json') });
    writeFileSync(join(root, 'alpha', '.SKILL.md.hero-tmp-1-0123abcd'), 't');
    writeFileSync(join(root, 'alpha', 'SKILL.md~'), 't');
    writeFileSync(join(root, 'alpha', '.manifest.json'), '{}');
    writeFileSync(join(root, 'alpha', 'SKILL.md'), 'b\n');
    await saw(join(root, 'alpha', 'SKILL.md'));
    expect(seen.filter((p) => /hero-tmp|~$|manifest/.test(p))).toEqual([]);
  });

  it('reports nothing after close', async () => {
    await start();
    await watcher!.close();
    writeFileSync(join(root, 'alpha', 'SKILL.md'), 'c\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([]);
  });

  it('keeps reporting inside a directory deleted and recreated (ext4 may reuse its inode)', async () => {
    await start();
    for (let i = 0; i < 3; i++) {
      rmSync(join(root, 'alpha'), { recursive: true });
      mkdirSync(join(root, 'alpha'));
      await new Promise((r) => setTimeout(r, 50));
      seen = [];
      writeFileSync(join(root, 'alpha', 'SKILL.md'), `round ${i}\n`);
      await saw(join(root, 'alpha', 'SKILL.md'));
    }
  });

  it('with `within`, watches below only the root entries in scope, and follows rescope both ways', async () => {
    mkdirSync(join(root, 'beta', 'scripts'), { recursive: true });
    writeFileSync(join(root, 'beta', 'scripts', 'run.sh'), 'echo\n');
    const scope = new Set(['alpha']);
    await start({ within: (name: string) => scope.has(name) });
    const scoped = watcher as ScopedTreeWatcher;
    const betaRun = join(root, 'beta', 'scripts', 'run.sh');
    // Out of scope: edits below beta/ are not seen, but the root still reports its entries.
    appendFileSync(betaRun, 'unseen\n');
    appendFileSync(join(root, 'alpha', 'scripts', 'run.sh'), 'seen\n');
    await saw(join(root, 'alpha', 'scripts', 'run.sh'));
    mkdirSync(join(root, 'gamma', 'deep'), { recursive: true });
    await saw(join(root, 'gamma'));
    writeFileSync(join(root, 'gamma', 'deep', 'x.md'), 'x\n'); // gamma/ is out of scope: not watched when it appeared
    await new Promise((r) => setTimeout(r, 150));
    expect(
      seen.filter((p) => p.startsWith(join(root, 'beta') + '/') || p.startsWith(join(root, 'gamma') + '/')),
    ).toEqual([]);
    // Into scope: the whole tree below is watched once rescope resolves, nested directories included.
    scope.add('beta');
    scope.add('gamma');
    await scoped.rescope(['beta', 'gamma']);
    appendFileSync(betaRun, 'seen now\n');
    await saw(betaRun);
    appendFileSync(join(root, 'gamma', 'deep', 'x.md'), 'y\n');
    await saw(join(root, 'gamma', 'deep', 'x.md'));
    // Out of scope again: its watches are gone, the other entries keep theirs.
    scope.delete('beta');
    await scoped.rescope(['beta']);
    seen = [];
    appendFileSync(betaRun, 'unseen again\n');
    appendFileSync(join(root, 'gamma', 'deep', 'x.md'), 'z\n');
    await saw(join(root, 'gamma', 'deep', 'x.md'));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).not.toContain(betaRun);
  });

  it('a walk begun before its entry left scope (and came back) leaves no watch behind', async () => {
    for (let i = 0; i < 50; i++)
      for (let j = 0; j < 50; j++) mkdirSync(join(root, 'x', `d${i}`, `e${j}`), { recursive: true });
    const scope = new Set<string>();
    await start({ within: (name: string) => scope.has(name) });
    const scoped = watcher as ScopedTreeWatcher;
    const atStart = inotifyWatches(process.pid); // the root's only
    scope.add('x');
    const first = scoped.rescope(['x']); // 2,551 directories: the walk yields part-way
    scope.delete('x');
    await scoped.rescope(['x']);
    scope.add('x');
    const second = scoped.rescope(['x']);
    await Promise.all([first, second]);
    expect(inotifyWatches(process.pid)).toBe(atStart + 2551);
    scope.delete('x');
    await scoped.rescope(['x']);
    expect(inotifyWatches(process.pid)).toBe(atStart);
  });

  it('an entry out of scope for part of a walk (and back in) is walked again in full by rescope', async () => {
    for (let i = 0; i < 10; i++)
      for (let j = 0; j < 2; j++) mkdirSync(join(root, 'x', `d${i}`, `e${j}`), { recursive: true });
    let asked = 0;
    // x is in scope, except once while the walk is under way (a store edit taken back before its rescope ran).
    await start({ within: (name: string) => name === 'x' && ++asked !== 4 });
    const scoped = watcher as ScopedTreeWatcher;
    const full = 1 + 1 + 10 + 20; // root, x, x/d*, x/d*/e*
    expect(inotifyWatches(process.pid)).toBeLessThan(full); // the walk skipped a directory of x, and what is below it
    await scoped.rescope(['x']);
    expect(inotifyWatches(process.pid)).toBe(full);
    appendFileSync(join(root, 'alpha', 'SKILL.md'), 'out of scope\n'); // alpha: never in scope
    const deep = join(root, 'x', 'd0', 'e1', 'f.md');
    writeFileSync(deep, 'f\n');
    await saw(deep);
  });

  it('watches the root again after it was moved away and recreated', async () => {
    await start();
    renameSync(root, root + '.old');
    mkdirSync(root);
    await new Promise((r) => setTimeout(r, 800));
    seen = [];
    writeFileSync(join(root, 'fresh.md'), 'x\n');
    await saw(join(root, 'fresh.md'));
    rmSync(root + '.old', { recursive: true, force: true });
  });
});
