/**
 * The registry scope in the daemon: only skills some role whitelists are indexed and watched below the root, and
 * a store edit moves skills in and out of scope, also while a resync scan or the start-up walk runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inotifyWatches } from '../../bench/lib/proc.ts';
import { systemClock } from '../../src/clock.ts';
import { Manager } from '../../src/controllers/manager.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { silentLogger } from '../../src/log.ts';
import type { FileStamp } from '../../src/observed/digest.ts';
import { eventually } from '../helpers/cli.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

let tree: TestTree;
let manager: Manager | undefined;
const MODEL = 'kimi-code/kimi-for-coding';

beforeEach(() => {
  tree = makeTree();
});
afterEach(async () => {
  await manager?.stop();
  manager = undefined;
  tree.cleanup();
});

function start(opts: { resyncMs?: number } = {}): Promise<void> {
  manager = new Manager({
    paths: tree.paths,
    tuning: { ...tree.config.tuning, resyncMs: opts.resyncMs ?? 600_000 },
    env: { KIMI_API_KEY: 'k' },
    clock: systemClock,
    log: silentLogger(),
    watch: true,
    resync: opts.resyncMs !== undefined,
  });
  return manager.start();
}

/** Many skills with nested directories (a slow scan, a long watch walk). */
function addMany(n: number, extra: Record<string, string> = { 'a/b/x.md': 'x\n', 'c/y.md': 'y\n' }): string[] {
  return Array.from({ length: n }, (_, i) => {
    addSkill(tree, `s${i}`, extra);
    return `s${i}`;
  });
}

const copyOf = (role: string, rel: string) => join(tree.paths.rolesDir, role, 'skills', rel);

describe('registry scope', () => {
  it('keeps in memory only the digests of skills in scope', async () => {
    addSkill(tree, 'alpha', { 'a.md': 'a\n' });
    addSkill(tree, 'beta', { 'b.md': 'b\n', 'c.md': 'c\n' });
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha', 'beta'] }]);
    const sources = new Sources(tree.paths);
    await sources.loadAll();
    expect(sources.registry.cache.size).toBe(3);
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha'] }]);
    await sources.loadAll();
    expect(sources.registry.cache.size).toBe(1); // alpha/a.md; beta's two were let go
  });

  it('puts no watch below a registry skill no role whitelists', async () => {
    addSkill(tree, 'alpha');
    addMany(40); // 40 × 4 directories nobody uses
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha'] }]);
    const before = inotifyWatches(process.pid);
    await start();
    await manager!.settled();
    // home, registry root, alpha; roles root, one, one/skills, one/skills/alpha (the unused skills would add 160).
    expect(inotifyWatches(process.pid) - before).toBeLessThanOrEqual(10);
    expect([...manager!.sources.registry.index.skills.keys()]).toEqual(['alpha']);
  });

  it('a skill edited while out of scope is copied with that edit when it comes back', async () => {
    addSkill(tree, 'alpha');
    addSkill(tree, 'gamma', { 'refs/x.md': 'v1\n' });
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha', 'gamma'] }]);
    await start();
    await manager!.settled();
    expect(readFileSync(copyOf('one', 'gamma/refs/x.md'), 'utf8')).toBe('v1\n');
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha'] }]);
    await eventually(() => !existsSync(copyOf('one', 'gamma')), 5000, 'gamma pruned once out of scope');
    writeFileSync(join(tree.paths.skillsDir, 'gamma', 'refs', 'x.md'), 'v2\n'); // no watch sees this
    await new Promise((r) => setTimeout(r, 100));
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha', 'gamma'] }]);
    await eventually(
      () =>
        existsSync(copyOf('one', 'gamma/refs/x.md')) &&
        readFileSync(copyOf('one', 'gamma/refs/x.md'), 'utf8') === 'v2\n',
      5000,
      'gamma back with v2',
    );
  });

  it('a skill whitelisted while a resync scan runs keeps its copy after that scan', async () => {
    const many = addMany(150);
    addSkill(tree, 'gamma');
    writeStore(tree, [
      { name: 'one', model: MODEL, skills: many },
      { name: 'two', model: MODEL, skills: [] },
    ]);
    const scan = Sources.prototype.scanRegistry;
    let scans = 0;
    let resyncScanned = false;
    // The periodic resync's scan (the second) runs slowly, and the store whitelists gamma meanwhile.
    Sources.prototype.scanRegistry = async function (this: Sources) {
      if (++scans !== 2) return scan.call(this);
      const cache = this.registry.cache;
      const digest = cache.digestSync.bind(cache);
      cache.digestSync = (path: string, st: FileStamp) => {
        const t = performance.now();
        while (performance.now() - t < 2);
        return digest(path, st);
      };
      cache.forgetIf(() => true); // every file is hashed again
      setTimeout(
        () =>
          writeStore(tree, [
            { name: 'one', model: MODEL, skills: many },
            { name: 'two', model: MODEL, skills: ['gamma'] },
          ]),
        5,
      );
      try {
        await scan.call(this);
      } finally {
        cache.digestSync = digest;
        resyncScanned = true;
      }
    };
    try {
      await start({ resyncMs: 1500 });
      await eventually(() => resyncScanned, 15_000, 'the resync scan');
      await eventually(() => existsSync(copyOf('two', 'gamma/SKILL.md')), 5000, 'gamma copied');
      await new Promise((r) => setTimeout(r, 300)); // the resync's own reconciles
      await manager!.settled();
    } finally {
      Sources.prototype.scanRegistry = scan;
    }
    expect(existsSync(copyOf('two', 'gamma/SKILL.md'))).toBe(true);
    expect(manager!.sources.registry.index.skills.has('gamma')).toBe(true);
  });

  it('a store reload that finds the scope unchanged (a second event for one edit) does not leave the new skill unread', async () => {
    addSkill(tree, 'alpha');
    addSkill(tree, 'gamma', { 'refs/x.md': 'v1\n' });
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha'] }]);
    await start();
    await manager!.settled();
    const internals = manager as unknown as {
      watchers: { rescopeRegistry(names: Iterable<string>): Promise<void> };
      onTarget(t: { kind: 'store' }): Promise<void>;
    };
    // Setting gamma's watch takes a while; meanwhile a second reload of the same store wakes the role, which
    // copies gamma before its watch exists, and gamma is edited then: no event will ever say so.
    const rescopeRegistry = internals.watchers.rescopeRegistry;
    let watchSet = false;
    internals.watchers.rescopeRegistry = async (names) => {
      await new Promise((r) => setTimeout(r, 400));
      await rescopeRegistry(names);
      watchSet = true;
    };
    writeStore(tree, [{ name: 'one', model: MODEL, skills: ['alpha', 'gamma'] }]);
    const first = internals.onTarget({ kind: 'store' });
    await new Promise((r) => setTimeout(r, 50));
    const second = internals.onTarget({ kind: 'store' });
    const copy = copyOf('one', 'gamma/refs/x.md');
    await eventually(() => existsSync(copy), 5000, 'gamma copied by the second reload');
    expect(watchSet).toBe(false);
    writeFileSync(join(tree.paths.skillsDir, 'gamma', 'refs', 'x.md'), 'v2\n');
    await Promise.all([first, second]);
    await eventually(() => readFileSync(copy, 'utf8') === 'v2\n', 5000, 'gamma read again once its watch is set');
  });

  it('a skill whitelisted while the start-up watch walk runs gets its watch', async () => {
    const many = addMany(300, { 'a/b/c/x.md': 'x\n', 'd/e/y.md': 'y\n' });
    addSkill(tree, 'gamma', { 'refs/deep/x.md': 'v1\n' });
    writeStore(tree, [{ name: 'one', model: MODEL, skills: many }]);
    const rescope = Sources.prototype.rescope;
    let edited = false;
    let asked = 0;
    // Once the walk is under way (the root was listed: gamma was out of scope then), the store whitelists gamma,
    // and the daemon reloads it at once (the watch event could come after the walk): the reload lands while the
    // walk runs, and the watch of gamma is set only once the walk is done.
    Sources.prototype.rescope = function (this: Sources) {
      const change = rescope.call(this);
      const scope = new Set(this.scope);
      scope.has = (name: string) => {
        if (!edited && new Error().stack!.includes('addTree') && ++asked === 400) {
          edited = true;
          writeStore(tree, [{ name: 'one', model: MODEL, skills: [...many, 'gamma'] }]);
          void (manager as unknown as { onTarget(t: { kind: 'store' }): Promise<void> }).onTarget({ kind: 'store' });
        }
        return Set.prototype.has.call(scope, name);
      };
      this.scope = scope;
      return change;
    };
    try {
      await start();
    } finally {
      Sources.prototype.rescope = rescope;
    }
    expect(edited).toBe(true);
    const copy = copyOf('one', 'gamma/refs/deep/x.md');
    await eventually(() => existsSync(copy), 10_000, 'gamma copied');
    await manager!.settled();
    writeFileSync(join(tree.paths.skillsDir, 'gamma', 'refs', 'deep', 'x.md'), 'v2\n');
    await eventually(() => readFileSync(copy, 'utf8') === 'v2\n', 5000, 'an edit in a nested dir of gamma propagates');
  });
});
