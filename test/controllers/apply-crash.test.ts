/**
 * What a crash of apply at one exact step leaves behind, and what the sweep of the next reconcile makes of it. A
 * child process applies and stops dead at the step (test/helpers/apply-crash.ts); this process then sweeps and
 * applies again, as a restarted daemon does. Nothing the user wrote is ever lost; what is ours goes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/controllers/apply.ts';
import { sweepLeftovers } from '../../src/controllers/reconcile/sweep.ts';
import { readBackupIndex } from '../../src/observed/backup-index.ts';
import { readManifest } from '../../src/observed/manifest.ts';
import type { Manifest } from '../../src/observed/role-files.ts';
import { CRASHED, type CrashJob } from '../helpers/apply-crash.ts';
import { bytesFile, md5, planIn, tempRole } from '../helpers/apply-role.ts';
import { put } from '../helpers/tree.ts';

const SCRIPT = fileURLToPath(new URL('../helpers/apply-crash.ts', import.meta.url));
const clock = { now: () => Date.now() };
const HAND = 'HAND EDIT\n';

let root: string;
let dir: string;
let backupsDir: string;
beforeEach(() => {
  ({ root, dir, backupsDir } = tempRole('ht-apply-crash-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

type Files = NonNullable<CrashJob['files']>;
const v1: Files = [
  { path: 'config.toml', text: 'default_model = "a"\n' },
  { path: 'skills/tdd/SKILL.md', text: '---\nname: tdd\n---\nv1\n' },
  { path: 'skills/old/SKILL.md', text: '---\nname: old\n---\nold\n' },
];
/** v1 with config.toml changed. */
const v2: Files = [{ path: 'config.toml', text: 'default_model = "b"\n' }, ...v1.slice(1)];
/** v1 without the skill `old`: a plan that only deletes. */
const dropOld: Files = v1.filter((f) => !f.path.startsWith('skills/old/'));

const apply = async (files: Files | null) =>
  applyPlan(await planIn(dir, files?.map((f) => bytesFile(f.path, f.text, f.mode)) ?? null), { backupsDir, clock });

/** Apply `files` in a child process that stops dead at the `nth` `op` on a path matching `pattern`. */
function crashAt(files: Files | null, op: CrashJob['op'], pattern: RegExp, nth = 1, arg?: number): void {
  const job: CrashJob = { dir, backupsDir, files, op, pattern: pattern.source, nth, arg };
  const jobFile = join(root, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, jobFile], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(CRASHED);
}

async function manifest(): Promise<Manifest | null> {
  const read = await readManifest(dir);
  return read.state === 'ok' ? read.manifest : null;
}

/** Apply v2 and stop right before its new config.toml is linked into place (the old one set aside). */
const linkInPlace = () => crashAt(v2, 'linkSync', /\/roles\/backend\/config\.toml$/, 1, 1);

/** The restart: sweep what the manifest says is ours, then converge to `files`. */
async function restart(files: Files | null): Promise<number> {
  const swept = sweepLeftovers(dir, 'backend', await manifest(), backupsDir);
  await apply(files);
  return swept;
}

/** Every name under the role directory that is one of our temp names. */
const temps = (): string[] =>
  existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.includes('.hero-tmp-')) : [];

/** The md5 of every backed-up copy of the role. */
const backedUp = (): string[] => readBackupIndex(backupsDir, 'backend').entries.map((e) => md5(readFileSync(e.file)));

describe('a crash between setting a hand-edited file aside and settling it', () => {
  beforeEach(async () => {
    await apply(v1);
    put(join(dir, 'config.toml'), HAND);
  });

  it('before the new file is linked in: the aside, kept in its backup, is swept and the path written', async () => {
    linkInPlace();
    expect(existsSync(join(dir, 'config.toml'))).toBe(false);
    const [aside] = temps();
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe(HAND);
    expect(backedUp()).toContain(md5(HAND));
    await restart(v2);
    expect(temps()).toEqual([]);
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toBe('default_model = "b"\n');
    expect((await manifest())?.asides).toBeUndefined();
    expect(backedUp()).toContain(md5(HAND)); // the hand edit lives on in its backup
    expect((await apply(v2)).written).toBe(0);
  });

  it('after the new file landed, at the unlink of the aside: swept, and no longer listed', async () => {
    // The first unlink of a config.toml temp is the staged file's name (it stays linked in place); the second is
    // the aside's.
    crashAt(v2, 'unlinkSync', /\.config\.toml\.hero-tmp-/, 2);
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toBe('default_model = "b"\n');
    expect(temps()).toHaveLength(1);
    await restart(v2);
    expect(temps()).toEqual([]);
    expect((await manifest())?.asides).toBeUndefined();
    expect(backedUp()).toContain(md5(HAND));
  });

  it('an aside whose bytes are in no backup stays, and stays listed, however often the role is swept', async () => {
    linkInPlace();
    const [aside] = temps();
    // Other bytes in its place (a new inode): nothing keeps them but this file.
    unlinkSync(join(dir, aside!));
    writeFileSync(join(dir, aside!), 'only copy\n');
    await restart(v2);
    await restart(v2);
    expect(temps()).toEqual([aside]);
    expect(readFileSync(join(dir, aside!), 'utf8')).toBe('only copy\n');
    expect((await manifest())?.asides).toEqual([aside]);
  });

  it('an aside that is a copy of a backup (same md5, another inode) is swept; one whose backup copy changed is not', async () => {
    linkInPlace();
    const [aside] = temps();
    const abs = join(dir, aside!);
    const copy = readFileSync(abs);
    unlinkSync(abs);
    writeFileSync(abs, copy);
    const [backup] = readBackupIndex(backupsDir, 'backend').entries.filter((e) => e.path === 'config.toml');
    const saved = readFileSync(backup!.file);
    writeFileSync(backup!.file, 'the backup altered\n'); // no longer what its record says: it keeps nothing
    sweepLeftovers(dir, 'backend', await manifest(), backupsDir);
    expect(existsSync(abs)).toBe(true);
    unlinkSync(backup!.file);
    writeFileSync(backup!.file, saved);
    expect(statSync(backup!.file).ino).not.toBe(statSync(abs).ino);
    expect(sweepLeftovers(dir, 'backend', await manifest(), backupsDir)).toBe(1);
    expect(existsSync(abs)).toBe(false);
  });

  it('without the backups directory the sweep keeps an aside that is not ours', async () => {
    linkInPlace();
    sweepLeftovers(dir, 'backend', await manifest());
    expect(temps()).toHaveLength(1);
  });
});

describe('a crash in a plan that only deletes', () => {
  it('a hand-edited file set aside before its delete is recorded, so the sweep finds it (kept in its backup)', async () => {
    await apply(v1);
    put(join(dir, 'skills/old/SKILL.md'), HAND);
    crashAt(dropOld, 'unlinkSync', /\/skills\/old\/\.SKILL\.md\.hero-tmp-/);
    expect(temps()).toHaveLength(1);
    expect((await manifest())?.asides).toEqual(temps());
    await restart(dropOld);
    expect(temps()).toEqual([]);
    expect(existsSync(join(dir, 'skills/old'))).toBe(false);
    expect(backedUp()).toContain(md5(HAND));
  });

  it('a file of ours set aside before its delete is swept as ours', async () => {
    await apply(v1);
    crashAt(dropOld, 'unlinkSync', /\/skills\/old\/\.SKILL\.md\.hero-tmp-/);
    expect(temps()).toHaveLength(1);
    await restart(dropOld);
    expect(temps()).toEqual([]);
    expect(existsSync(join(dir, 'skills/old'))).toBe(false);
  });

  it('a deleted role: a file set aside before its delete is swept too', async () => {
    await apply(v1);
    crashAt(null, 'unlinkSync', /\/skills\/old\/\.SKILL\.md\.hero-tmp-/);
    expect(temps()).toHaveLength(1);
    await restart(null);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('a crash while a temp of no file is being written', () => {
  /** Every name under the backups that is one of our temp names. */
  const backupTemps = (): string[] =>
    (readdirSync(backupsDir, { recursive: true }) as string[]).filter((p) => p.includes('.hero-tmp-'));

  it("the write intent's own temp, before its rename: recognised by its content, swept", async () => {
    await apply(v1);
    crashAt(v2, 'rename', /\/\.\.hero-team-manifest\.json\.hero-tmp-/, 1, 0);
    expect(temps()).toHaveLength(1);
    expect((await manifest())?.temps).toBeUndefined(); // the previous manifest: it names no temp
    await restart(v2);
    expect(temps()).toEqual([]);
  });

  it("a backup's record, before its rename: the sweep makes it the record, and no temp is left", async () => {
    await apply(v1);
    put(join(dir, 'config.toml'), HAND);
    crashAt(v2, 'rename', /\/\.BACKUP\.json\.hero-tmp-/, 1, 0);
    expect(backupTemps()).toHaveLength(1);
    expect(backedUp()).toEqual([]); // the copy is there, but no record names it yet
    await restart(v2);
    expect(backupTemps()).toEqual([]);
    expect(backedUp()).toEqual([md5(HAND)]); // recorded once: the retry found it kept and made no other copy
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toBe('default_model = "b"\n');
  });

  it("a second backup's record, before its rename: the fuller record replaces the first", async () => {
    await apply(v1);
    put(join(dir, 'config.toml'), HAND);
    put(join(dir, 'skills/tdd/SKILL.md'), 'HAND EDIT 2\n');
    crashAt(v2, 'rename', /\/\.BACKUP\.json\.hero-tmp-/, 2, 0);
    expect(backedUp()).toHaveLength(1);
    await restart(v2);
    expect(backupTemps()).toEqual([]);
    expect(backedUp().sort()).toEqual([md5(HAND), md5('HAND EDIT 2\n')].sort());
  });
});
