/**
 * Another process (rollback, role rm) changes store.json and the role's files under the role lock while a
 * reconcile waits for that lock with the older store in memory: the reconcile must not converge the role back.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ReconcileDeps, reconcileRole, withRoleDirLock } from '../../src/controllers/reconcile.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { silentLogger } from '../../src/log.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

const clock = { now: () => Date.now() };

describe('a locked reconcile brings the store up to date first', () => {
  let tree: TestTree;
  let sources: Sources;
  const roleDir = () => join(tree.paths.rolesDir, 'backend');

  beforeEach(async () => {
    tree = makeTree();
    addSkill(tree, 'alpha');
    writeStore(tree, [{ name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['alpha'] }]);
    sources = new Sources(tree.paths, { scanShareMs: 0 });
    await sources.loadAll();
  });
  afterEach(() => tree.cleanup());

  /** Converge, hand-edit (so the next reconcile must write), then race it against a rollback-like change under the lock. */
  async function race(deps: ReconcileDeps): Promise<void> {
    await reconcileRole('backend', deps, { sweepTemps: true });
    writeFileSync(join(roleDir(), 'config.toml'), 'the user original, put back\n');
    let pending: Promise<unknown> | undefined;
    await withRoleDirLock(tree.paths.home, 'backend', async () => {
      pending = reconcileRole('backend', deps); // probes, finds work, waits for the lock
      await new Promise((r) => setTimeout(r, 200));
      writeStore(tree, []); // the role is removed from the store...
      for (const f of ['.hero-team-manifest.json', 'mcp.json', 'skills'])
        rmSync(join(roleDir(), f), { recursive: true, force: true });
    });
    await pending;
  }

  it('with refreshStore, the waiting reconcile sees the role gone and writes nothing', async () => {
    await race({
      ...sources.reconcileDeps({ paths: tree.paths, env: {}, clock, log: silentLogger() }),
      refreshStore: () => sources.refreshStore(),
    });
    expect(readFileSync(join(roleDir(), 'config.toml'), 'utf8')).toBe('the user original, put back\n');
    expect(existsSync(join(roleDir(), '.hero-team-manifest.json'))).toBe(false);
    expect(sources.store!.roles).toEqual([]);
  });

  it('without it (the hazard), the reconcile would adopt the file and recreate the role from the older store', async () => {
    await race(sources.reconcileDeps({ paths: tree.paths, env: {}, clock, log: silentLogger() }));
    expect(existsSync(join(roleDir(), '.hero-team-manifest.json'))).toBe(true);
    expect(readFileSync(join(roleDir(), 'config.toml'), 'utf8')).not.toBe('the user original, put back\n');
  });

  it('a plan made from the older store is dropped even when the reload already happened before the lock was taken', async () => {
    const deps = {
      ...sources.reconcileDeps({ paths: tree.paths, env: {}, clock, log: silentLogger() }),
      refreshStore: () => sources.refreshStore(),
    };
    await reconcileRole('backend', deps, { sweepTemps: true });
    let pending: Promise<unknown> | undefined;
    await withRoleDirLock(tree.paths.home, 'backend', async () => {
      // The role's files are already rolled back when the waiting reconcile probes: its plan adopts and recreates.
      writeFileSync(join(roleDir(), 'config.toml'), 'the user original, put back\n');
      for (const f of ['.hero-team-manifest.json', 'mcp.json', 'skills'])
        rmSync(join(roleDir(), f), { recursive: true, force: true });
      pending = reconcileRole('backend', deps);
      await new Promise((r) => setTimeout(r, 200));
      writeStore(tree, []);
      expect(await sources.loadStore()).toBe(true); // the watcher's reload, done before the lock is released
    });
    await pending;
    expect(readFileSync(join(roleDir(), 'config.toml'), 'utf8')).toBe('the user original, put back\n');
    expect(existsSync(join(roleDir(), '.hero-team-manifest.json'))).toBe(false);
  });

  it('a reconcile that sweeps an interrupted write under the lock brings the store up to date first too', async () => {
    const deps = {
      ...sources.reconcileDeps({ paths: tree.paths, env: {}, clock, log: silentLogger() }),
      refreshStore: () => sources.refreshStore(),
    };
    await reconcileRole('backend', deps, { sweepTemps: true });
    // An apply that did not finish (a killed `sync`, a failed write) left its temps recorded in the manifest.
    const manifestFile = join(roleDir(), '.hero-team-manifest.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, temps: ['.config.toml.hero-tmp-1-0badcafe'] }));
    let pending: Promise<unknown> | undefined;
    await withRoleDirLock(tree.paths.home, 'backend', async () => {
      pending = reconcileRole('backend', deps); // probes, sees the temps, waits for the lock to sweep them
      await new Promise((r) => setTimeout(r, 200));
      // A `role rm` under the lock: the role leaves the store, its files are pruned, the user's file is put back.
      writeStore(tree, []);
      for (const f of ['.hero-team-manifest.json', 'mcp.json', 'skills'])
        rmSync(join(roleDir(), f), { recursive: true, force: true });
      writeFileSync(join(roleDir(), 'config.toml'), 'the user original, put back\n');
    });
    await pending;
    expect(readFileSync(join(roleDir(), 'config.toml'), 'utf8')).toBe('the user original, put back\n');
    expect(existsSync(manifestFile)).toBe(false);
    expect(sources.store!.roles).toEqual([]);
  });

  it('a reload still in flight does not count: the store in force is older until its read is done', async () => {
    writeStore(tree, []);
    expect(sources.storeFileChanged()).toBe(true);
    const inFlight = sources.loadStore(); // as a watcher event would start it
    expect(sources.storeFileChanged()).toBe(true);
    expect(sources.store!.roles).toHaveLength(1);
    expect(await sources.refreshStore()).toBe(true);
    expect(sources.store!.roles).toEqual([]);
    await inFlight;
    expect(sources.storeFileChanged()).toBe(false);
    expect(await sources.refreshStore()).toBe(false);
  });
});
