/** The bulk lane: large applies take turns, small ones never wait; a reconcile's apply goes through it. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BULK_WRITES, BulkLane } from '../../src/controllers/reconcile/bulk-lane.ts';
import { reconcileRole } from '../../src/controllers/reconcile.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { reconcileDepsFor } from '../helpers/reconcile-deps.ts';
import { addSkill, makeTree, type TestTree, writeStore } from '../helpers/tree.ts';

/** A task that runs until released, recording how many run at once. */
function tasks() {
  let running = 0;
  let most = 0;
  const order: string[] = [];
  const releases = new Map<string, () => void>();
  const task = (name: string) => async () => {
    running++;
    most = Math.max(most, running);
    order.push(name);
    await new Promise<void>((r) => releases.set(name, r));
    running--;
    return name;
  };
  return { task, release: (name: string) => releases.get(name)!(), started: () => [...order], most: () => most };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BulkLane', () => {
  it('runs at most `concurrency` bulk applies at once, in the order they asked', async () => {
    const lane = new BulkLane(2);
    const t = tasks();
    const done = ['a', 'b', 'c', 'd', 'e'].map((n) => lane.run(BULK_WRITES + 1, t.task(n)));
    await tick();
    expect(t.started()).toEqual(['a', 'b']);
    t.release('b');
    await tick();
    expect(t.started()).toEqual(['a', 'b', 'c']);
    for (const n of ['a', 'c', 'd', 'e']) {
      await tick();
      t.release(n);
    }
    expect(await Promise.all(done)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(t.most()).toBe(2);
  });

  it('lets a small apply run at once while the lane is full', async () => {
    const lane = new BulkLane(1);
    const t = tasks();
    const big = [lane.run(BULK_WRITES + 1, t.task('big1')), lane.run(500, t.task('big2'))];
    const small = lane.run(BULK_WRITES, t.task('small'));
    await tick();
    expect(t.started()).toEqual(['big1', 'small']);
    t.release('small');
    expect(await small).toBe('small');
    t.release('big1');
    await tick();
    t.release('big2');
    expect(await Promise.all(big)).toEqual(['big1', 'big2']);
  });

  it('passes a failure through and frees its place', async () => {
    const lane = new BulkLane(1);
    const failing = lane.run(BULK_WRITES + 1, async () => {
      throw new Error('EIO');
    });
    await expect(failing).rejects.toThrow('EIO');
    expect(await lane.run(BULK_WRITES + 1, async () => 'next')).toBe('next');
  });
});

describe('a reconcile applies through the lane', () => {
  let tree: TestTree;
  afterEach(() => tree?.cleanup());

  it('holds a large plan until the lane has room, and not a small one', async () => {
    tree = makeTree();
    const many = Array.from({ length: BULK_WRITES }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (const s of many) addSkill(tree, s);
    writeStore(tree, [
      { name: 'big', model: 'kimi-code/kimi-for-coding', skills: many },
      { name: 'small', model: 'kimi-code/kimi-for-coding', skills: ['s000'] },
    ]);
    const sources = new Sources(tree.paths, { scanShareMs: 0 });
    await sources.loadAll();
    const lane = new BulkLane(1);
    let release!: () => void;
    const blocker = lane.run(BULK_WRITES + 1, () => new Promise<void>((r) => (release = r)));
    const deps = reconcileDepsFor(tree, sources, { bulk: lane });
    const big = reconcileRole('big', deps);
    const small = await reconcileRole('small', deps);
    expect(small.result?.written).toBeGreaterThan(0);
    expect(existsSync(join(tree.paths.rolesDir, 'small', 'skills', 's000', 'SKILL.md'))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(tree.paths.rolesDir, 'big', 'skills'))).toBe(false);
    release();
    await blocker;
    const outcome = await big;
    expect(outcome.result?.written).toBeGreaterThan(BULK_WRITES);
    expect(existsSync(join(tree.paths.rolesDir, 'big', 'skills', 's063', 'SKILL.md'))).toBe(true);
  });
});
