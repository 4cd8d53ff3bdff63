/** The durability strategy of a batch: one shared syncfs when it pays and works, else an fsync of each. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableBatch, SYNCFS_MIN_FILES } from '../../src/fs/durable-batch.ts';
import { stageFile } from '../../src/fs/stage.ts';
import { discardStaged, publishStaged, type StagedFile } from '../../src/fs/staged-file.ts';
import { SyncBarrier } from '../../src/fs/syncfs.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ht-batch-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A barrier whose rounds are counted (and fail, like a machine without syncfs, when `works` is false). */
function countingBarrier(works = true) {
  const flushed: string[] = [];
  const barrier = new SyncBarrier(async (path) => {
    flushed.push(path);
    if (!works) throw new Error('spawn sync ENOENT');
  });
  return { barrier, flushed };
}

const stageSome = (n: number): Promise<StagedFile[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => stageFile(join(root, `f${i}`), `${i}\n`, 0o644)));

describe('DurableBatch.commit', () => {
  it('a large batch: one syncfs round per filesystem, each staged file then only closed', async () => {
    const { barrier, flushed } = countingBarrier();
    const batch = new DurableBatch(barrier, SYNCFS_MIN_FILES, root);
    const files = await stageSome(3);
    const fsynced: StagedFile[] = [];
    await batch.commit(files, { dirs: [root] }, async (f) => void fsynced.push(f));
    expect(flushed).toEqual([root]);
    expect(fsynced).toEqual([]);
    expect(files.map((f) => f.fd)).toEqual([-1, -1, -1]);
    for (const f of files) await publishStaged(f);
    expect(readFileSync(join(root, 'f2'), 'utf8')).toBe('2\n');
  });

  it('a small batch: an fsync of each staged file, each file in place and each directory; no syncfs', async () => {
    const { barrier, flushed } = countingBarrier();
    const batch = new DurableBatch(barrier, SYNCFS_MIN_FILES - 1, root);
    const files = await stageSome(2);
    writeFileSync(join(root, 'intent'), 'x');
    const fsynced: StagedFile[] = [];
    await batch.commit(files, { inPlace: [join(root, 'intent')], dirs: [root, join(root, 'gone')] }, async (f) => {
      fsynced.push(f);
    });
    expect(flushed).toEqual([]);
    expect(fsynced).toEqual(files);
    discardStaged(files);
  });

  it('where syncfs cannot run, a large batch falls back to an fsync of each, and so does every later one', async () => {
    const { barrier, flushed } = countingBarrier(false);
    const files = await stageSome(2);
    const fsynced: StagedFile[] = [];
    await new DurableBatch(barrier, SYNCFS_MIN_FILES, root).commit(files, {}, async (f) => void fsynced.push(f));
    expect(fsynced).toEqual(files);
    expect(barrier.available()).toBe(false);
    discardStaged(files);
    await new DurableBatch(barrier, SYNCFS_MIN_FILES, root).commit([], {});
    expect(flushed).toHaveLength(1);
  });

  it('a file in place that is missing fails the step (a directory gone is fine), after every fsync ends', async () => {
    mkdirSync(join(root, 'd'));
    const files = await stageSome(1);
    const batch = new DurableBatch(undefined, 1, root);
    let ended = 0;
    const slow = async () => {
      await new Promise((r) => setTimeout(r, 20));
      ended++;
    };
    await expect(
      batch.commit(files, { inPlace: [join(root, 'absent')], dirs: [join(root, 'gone')] }, slow),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(ended).toBe(1);
    discardStaged(files);
  });
});
