/**
 * Every failure of apply is an ApplyError (APPLY_FAILED) naming the role and the path it failed on, the durability
 * steps included: the write intent's fsync, a directory's, the shared syncfs, the final manifest's. A failing
 * disk is played through the fsync and syncfs apply is given.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApplyDeps, applyPlan } from '../../src/controllers/apply.ts';
import type { DesiredFile } from '../../src/controllers/artifacts.ts';
import { ApplyError } from '../../src/errors.ts';
import { type Fsync, fsyncOpen } from '../../src/fs/fsync.ts';
import { SyncBarrier } from '../../src/fs/syncfs.ts';
import { MANIFEST_FILE } from '../../src/observed/manifest.ts';
import { bytesFile, copyFileIn, planIn, tempRole } from '../helpers/apply-role.ts';

const clock = { now: () => 1_800_000_000_000 };
let root: string;
let dir: string;
let backupsDir: string;

beforeEach(() => {
  ({ root, dir, backupsDir } = tempRole('ht-apply-fail-'));
  mkdirSync(join(root, 'roles'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const files = (v: string, skills = 2): DesiredFile[] => [
  bytesFile('config.toml', `default_model = "${v}"\n`),
  ...Array.from({ length: skills }, (_, i) =>
    copyFileIn(join(root, 'registry'), `skills/s${i}/SKILL.md`, `---\nname: s${i}\n---\n${v}\n`),
  ),
];

const apply = async (desired: DesiredFile[] | null, deps: Partial<ApplyDeps> = {}) =>
  applyPlan(await planIn(dir, desired), { backupsDir, clock, ...deps });

/** An fsync that fails with EIO for the `nth` descriptor open on a path `matches` accepts (every one by default). */
function failingFsync(matches: (path: string) => boolean, nth?: number): { fsync: Fsync; paths: string[] } {
  const paths: string[] = [];
  let seen = 0;
  const fsync: Fsync = async (fd, path) => {
    paths.push(path);
    if (matches(path) && (nth === undefined || ++seen === nth))
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    return fsyncOpen(fd, path);
  };
  return { fsync, paths };
}

/** The failure of `run`, which must be an ApplyError for role backend at `path`, caused by an EIO. */
async function expectApplyError(run: Promise<unknown>, path: string): Promise<void> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplyError);
  expect(err).toMatchObject({ code: 'APPLY_FAILED', role: 'backend', path, cause: { code: 'EIO' } });
}

const temps = () =>
  (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.includes('.hero-tmp-') && !p.includes('/'));

describe('applyPlan: a failed durability step is an ApplyError naming its path', () => {
  it("the write intent's fsync", async () => {
    await apply(files('v1'));
    const { fsync } = failingFsync((p) => p === join(dir, MANIFEST_FILE));
    await expectApplyError(apply(files('v2'), { fsync }), join(dir, MANIFEST_FILE));
  });

  it("the role directory's fsync (the intent's directory)", async () => {
    await apply(files('v1'));
    const { fsync } = failingFsync((p) => p === dir);
    await expectApplyError(apply(files('v2'), { fsync }), dir);
  });

  it("a directory's fsync after the renames (the final record's step)", async () => {
    await apply(files('v1'));
    // skills/s0 is fsynced only once, after its file was renamed into place.
    const { fsync, paths } = failingFsync((p) => p === join(dir, 'skills/s0'));
    await expectApplyError(apply(files('v2'), { fsync }), join(dir, 'skills/s0'));
    expect(paths).toContain(join(dir, MANIFEST_FILE)); // the intent was made durable before: this is the last step
  });

  it("the final manifest's fsync names the manifest, and leaves no temp of it", async () => {
    await apply(files('v1'));
    const { fsync } = failingFsync((p) => p.includes(`${MANIFEST_FILE}.hero-tmp-`));
    await expectApplyError(apply(files('v2'), { fsync }), join(dir, MANIFEST_FILE));
    expect(temps()).toEqual([]);
  });

  it("a deleted role's directory fsync", async () => {
    await apply(files('v1'));
    const { fsync } = failingFsync((p) => p === dir);
    await expectApplyError(apply(null, { fsync }), dir);
  });

  it('a plan that only deletes: its intent is made durable before any file is set aside', async () => {
    await apply(files('v1'));
    const { fsync } = failingFsync((p) => p === join(dir, MANIFEST_FILE));
    await expectApplyError(apply(files('v1', 1), { fsync }), join(dir, MANIFEST_FILE));
    expect(readdirSync(join(dir, 'skills/s1'))).toEqual(['SKILL.md']); // nothing was set aside nor deleted
  });

  it('a writeback error of the shared syncfs names the directory it was run for', async () => {
    let runs = 0;
    // The first round is the probe (syncfs works here); the second, before the final manifest, reports an error.
    const barrier = new SyncBarrier(async () => {
      if (++runs === 2) throw Object.assign(new Error('sync -f failed: Input/output error'), { code: 'EIO' });
    });
    await expectApplyError(apply(files('v1', 20), { barrier }), dir);
    expect(runs).toBe(2);
  });
});
