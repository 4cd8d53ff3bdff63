import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileTimestamp } from '../../src/clock.ts';
import { applyPlan } from '../../src/controllers/apply.ts';
import type { DesiredFile } from '../../src/controllers/artifacts.ts';
import { ApplyError } from '../../src/errors.ts';
import { stageCopy, stageFile } from '../../src/fs/stage.ts';
import { publishStagedDir, StagingMemory, stageDir } from '../../src/fs/staged-dir.ts';
import { SyncBarrier, SyncfsCoprocess } from '../../src/fs/syncfs.ts';
import { MANIFEST_FILE, manifestCache, readManifest } from '../../src/observed/manifest.ts';
import { bytesFile, copyFileIn, md5, planIn, tempRole } from '../helpers/apply-role.ts';
import { put } from '../helpers/tree.ts';

const NOW = 1_800_000_000_000;
const clock = { now: () => NOW };

let root: string;
let dir: string;
let backupsDir: string;
let sourceDir: string;

beforeEach(() => {
  ({ root, dir, backupsDir, sourceDir } = tempRole('ht-apply-'));
  mkdirSync(sourceDir, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const copyFile = (path: string, text: string, mode?: number): DesiredFile => copyFileIn(sourceDir, path, text, mode);
const planFor = (files: DesiredFile[] | null, driftPolicy: 'revert' | 'report' = 'revert') =>
  planIn(dir, files, driftPolicy);

async function converge(files: DesiredFile[] | null, driftPolicy: 'revert' | 'report' = 'revert') {
  const plan = await planFor(files, driftPolicy);
  const result = await applyPlan(plan, { backupsDir, clock });
  return { plan, result };
}

const base = (): DesiredFile[] => [
  bytesFile('config.toml', 'default_model = "a"\n'),
  bytesFile('mcp.json', '{"mcpServers":{}}\n'),
  copyFile('skills/tdd/SKILL.md', '---\nname: tdd\n---\nbody\n'),
  copyFile('skills/tdd/scripts/run.sh', '#!/bin/sh\necho hi\n', 0o755),
];

const mode = (p: string): number => statSync(join(dir, p)).mode & 0o777;
const read = (p: string): string => readFileSync(join(dir, p), 'utf8');
const roleBackups = (): string[] =>
  existsSync(join(backupsDir, 'backend')) ? readdirSync(join(backupsDir, 'backend')).sort() : [];

/** Every path under `d`, relative, recursively. */
function listAll(d: string): string[] {
  return (readdirSync(d, { recursive: true }) as string[]).sort();
}

describe('applyPlan: writes and manifest', () => {
  it('lands every file with its bytes and mode (0600 for config.toml and mcp.json)', async () => {
    const { result } = await converge(base());
    expect(result.written).toBe(4);
    expect(read('config.toml')).toBe('default_model = "a"\n');
    expect(read('mcp.json')).toBe('{"mcpServers":{}}\n');
    expect(read('skills/tdd/SKILL.md')).toBe('---\nname: tdd\n---\nbody\n');
    expect(read('skills/tdd/scripts/run.sh')).toBe('#!/bin/sh\necho hi\n');
    expect(mode('config.toml')).toBe(0o600);
    expect(mode('mcp.json')).toBe(0o600);
    expect(mode('skills/tdd/SKILL.md')).toBe(0o644);
    expect(mode('skills/tdd/scripts/run.sh')).toBe(0o755);
  });

  it("an edit lands when its directory vanished after planning (the staged file's creation makes it again)", async () => {
    await converge(base());
    const edited = base().map((f) =>
      f.path === 'skills/tdd/scripts/run.sh' ? copyFile(f.path, '#!/bin/sh\necho edited\n', 0o755) : f,
    );
    const plan = await planFor(edited);
    expect(plan.writes.map((w) => [w.file.path, w.reason])).toEqual([['skills/tdd/scripts/run.sh', 'update']]);
    rmSync(join(dir, 'skills/tdd/scripts'), { recursive: true }); // gone between plan and apply
    const result = await applyPlan(plan, { backupsDir, clock });
    expect(result.written).toBe(1);
    expect(read('skills/tdd/scripts/run.sh')).toBe('#!/bin/sh\necho edited\n');
    expect(mode('skills/tdd/scripts/run.sh')).toBe(0o755);
  });

  it('writes a manifest listing exactly the written files with their md5, size, mode and on-disk mtime', async () => {
    await converge(base());
    const m = await readManifest(dir);
    expect(m.state).toBe('ok');
    if (m.state !== 'ok') return;
    expect(m.manifest.entries.map((e) => e.path)).toEqual([
      'config.toml',
      'mcp.json',
      'skills/tdd/SKILL.md',
      'skills/tdd/scripts/run.sh',
    ]);
    for (const e of m.manifest.entries) {
      const st = statSync(join(dir, e.path));
      expect(e.md5).toBe(md5(readFileSync(join(dir, e.path))));
      expect(e.size).toBe(st.size);
      expect(e.mode).toBe(st.mode & 0o777);
      expect(e.mtimeMs).toBe(st.mtimeMs);
    }
    expect(statSync(join(dir, MANIFEST_FILE)).mode & 0o777).toBe(0o600);
  });

  it('records the write intent before writing, so bytes left by a failed run are still ours', async () => {
    await converge(base());
    const before = (await readManifest(dir)) as { state: 'ok'; manifest: { entries: { path: string; md5: string }[] } };
    const next = [
      bytesFile('config.toml', 'default_model = "b"\n'),
      ...base().slice(1),
      copyFile('skills/blocker/SKILL.md', 'x'),
    ];
    const plan = await planFor(next);
    // Planned first, then blocked: a file appears where a skill directory must go, so one write fails.
    put(join(dir, 'skills', 'blocker'), 'a file where a skill directory must go');
    await expect(applyPlan(plan, { backupsDir, clock })).rejects.toBeInstanceOf(ApplyError);
    // The manifest on disk is the intent record: previous md5s kept, the planned md5 beside them.
    const intent = await readManifest(dir);
    expect(intent.state).toBe('ok');
    const entries = intent.state === 'ok' ? intent.manifest.entries : [];
    const config = entries.find((e) => e.path === 'config.toml')!;
    expect(config.md5).toBe(before.manifest.entries.find((e) => e.path === 'config.toml')!.md5);
    expect(config.pendingMd5).toBe(md5('default_model = "b"\n'));
    // The desired state moves on before the next success: the leftover "b" bytes are ours, so no backup.
    rmSync(join(dir, 'skills', 'blocker'));
    const later = [bytesFile('config.toml', 'default_model = "c"\n'), ...next.slice(1)];
    const { result } = await converge(later);
    expect(result.backups).toBe(0);
    expect(read('skills/blocker/SKILL.md')).toBe('x');
    expect(read('config.toml')).toBe('default_model = "c"\n');
    const final = await readManifest(dir);
    expect(final.state === 'ok' && final.manifest.entries.every((e) => e.pendingMd5 === undefined)).toBe(true);
  });

  it('leaves no .hero-tmp- files behind', async () => {
    await converge(base());
    put(join(dir, 'config.toml'), 'hand edit\n');
    await converge([...base().slice(0, 3), copyFile('skills/other/SKILL.md', 'o')]);
    const all = [...listAll(dir), ...listAll(backupsDir)];
    expect(all.filter((p) => p.includes('.hero-tmp-'))).toEqual([]);
    expect(all.length).toBeGreaterThan(4);
  });

  it('always leaves skills/ in a live role, even with no skills', async () => {
    await converge([bytesFile('config.toml', 'c'), bytesFile('mcp.json', 'm')]);
    expect(statSync(join(dir, 'skills')).isDirectory()).toBe(true);
  });
});

describe('applyPlan: backups (Ruler #487, #567, #672)', () => {
  it('copies a hand-edited file into the backup dir with BACKUP.json naming reason and md5s', async () => {
    await converge(base());
    put(join(dir, 'config.toml'), 'my hand edit\n');
    const { result } = await converge(base());
    expect(result.backups).toBe(1);
    expect(result.backupDir).toBe(join(backupsDir, 'backend', `${fileTimestamp(NOW)}-000`));
    expect(readFileSync(join(result.backupDir!, 'config.toml'), 'utf8')).toBe('my hand edit\n');
    const record = JSON.parse(readFileSync(join(result.backupDir!, 'BACKUP.json'), 'utf8'));
    expect(record).toEqual({
      role: 'backend',
      files: [
        {
          path: 'config.toml',
          reason: 'modified',
          md5: md5('my hand edit\n'),
          expectedMd5: md5('default_model = "a"\n'),
          at: new Date(NOW).toISOString(),
          size: 13,
          mode: 0o600,
          linked: true,
        },
      ],
    });
    expect(read('config.toml')).toBe('default_model = "a"\n');
  });

  it('backs up a foreign file found in the way before adopting it', async () => {
    put(join(dir, 'mcp.json'), '{"mine":true}\n', 0o644);
    const { result } = await converge(base());
    expect(result.backups).toBe(1);
    expect(readFileSync(join(result.backupDir!, 'mcp.json'), 'utf8')).toBe('{"mine":true}\n');
    const record = JSON.parse(readFileSync(join(result.backupDir!, 'BACKUP.json'), 'utf8'));
    expect(record.files[0]).toMatchObject({ path: 'mcp.json', reason: 'foreign', md5: md5('{"mine":true}\n') });
    expect(record.files[0].expectedMd5).toBeUndefined();
  });

  it('two reverts of two hand edits make two backup dirs; the first keeps its bytes (Ruler #487)', async () => {
    await converge(base());
    put(join(dir, 'config.toml'), 'first edit\n');
    const first = (await converge(base())).result;
    const firstRecord = readFileSync(join(first.backupDir!, 'BACKUP.json'), 'utf8');
    put(join(dir, 'config.toml'), 'second edit\n');
    const second = (await converge(base())).result;
    expect(second.backupDir).not.toBe(first.backupDir);
    expect(roleBackups()).toEqual([`${fileTimestamp(NOW)}-000`, `${fileTimestamp(NOW)}-001`]);
    expect(readFileSync(join(first.backupDir!, 'config.toml'), 'utf8')).toBe('first edit\n');
    expect(readFileSync(join(first.backupDir!, 'BACKUP.json'), 'utf8')).toBe(firstRecord);
    expect(readFileSync(join(second.backupDir!, 'config.toml'), 'utf8')).toBe('second edit\n');
  });

  it('never writes into a backup dir that already exists (Ruler #672: a planted dir is not reused)', async () => {
    await converge(base());
    const planted = join(backupsDir, 'backend', `${fileTimestamp(NOW)}-000`);
    put(join(planted, 'config.toml'), 'planted\n');
    put(join(dir, 'config.toml'), 'hand edit\n');
    const { result } = await converge(base());
    expect(result.backupDir).toBe(join(backupsDir, 'backend', `${fileTimestamp(NOW)}-001`));
    expect(readFileSync(join(planted, 'config.toml'), 'utf8')).toBe('planted\n');
    expect(existsSync(join(planted, 'BACKUP.json'))).toBe(false);
  });

  it('makes no backup of bytes we wrote: a normal update and a prune leave no backup (Ruler #567)', async () => {
    await converge(base());
    const next = [bytesFile('config.toml', 'default_model = "b"\n'), ...base().slice(1, 2)];
    const { result, plan } = await converge(next);
    expect(plan.writes.map((w) => w.reason)).toEqual(['update']);
    expect(result.deleted).toBe(2);
    expect(result.backups).toBe(0);
    expect(result.backupDir).toBeUndefined();
    expect(roleBackups()).toEqual([]);
    expect(read('config.toml')).toBe('default_model = "b"\n');
  });

  it('a second revert after a no-op run still backs up only the new hand edit', async () => {
    await converge(base());
    put(join(dir, 'mcp.json'), 'edit-1');
    await converge(base());
    await converge(base()); // no change: must not back up our own restored bytes
    expect(roleBackups()).toHaveLength(1);
  });

  it('backs up a hand-edited file before deleting it when it is no longer desired', async () => {
    await converge(base());
    put(join(dir, 'skills/tdd/SKILL.md'), 'my notes\n');
    const { result } = await converge(base().slice(0, 2));
    expect(result.backups).toBe(1);
    expect(readFileSync(join(result.backupDir!, 'skills/tdd/SKILL.md'), 'utf8')).toBe('my notes\n');
    expect(existsSync(join(dir, 'skills/tdd/SKILL.md'))).toBe(false);
  });

  it('under report policy neither overwrites nor backs up a hand edit', async () => {
    await converge(base());
    put(join(dir, 'config.toml'), 'keep me\n');
    const { result } = await converge([bytesFile('config.toml', 'new\n'), ...base().slice(1)], 'report');
    expect(result.written).toBe(0);
    expect(result.backups).toBe(0);
    expect(read('config.toml')).toBe('keep me\n');
  });
});

describe('applyPlan: deletes', () => {
  it('deletes only manifest paths and never a user file in the same directory', async () => {
    await converge(base());
    put(join(dir, 'skills/tdd/my-notes.md'), 'mine');
    put(join(dir, 'notes.txt'), 'mine too');
    const { result } = await converge(base().slice(0, 2));
    expect(result.deleted).toBe(2);
    expect(existsSync(join(dir, 'skills/tdd/SKILL.md'))).toBe(false);
    expect(existsSync(join(dir, 'skills/tdd/scripts'))).toBe(false);
    expect(read('skills/tdd/my-notes.md')).toBe('mine');
    expect(read('notes.txt')).toBe('mine too');
  });

  it('removes emptied skill directories after a prune but keeps skills/', async () => {
    await converge(base());
    const { result } = await converge(base().slice(0, 2));
    expect(result.deleted).toBe(2);
    expect(existsSync(join(dir, 'skills/tdd'))).toBe(false);
    expect(readdirSync(join(dir, 'skills'))).toEqual([]);
    const m = await readManifest(dir);
    expect(m.state === 'ok' && m.manifest.entries.map((e) => e.path)).toEqual(['config.toml', 'mcp.json']);
  });

  it('role deletion removes every file, the manifest and the role dir', async () => {
    await converge(base());
    const { result, plan } = await converge(null);
    expect(plan.manifest).toBeNull();
    expect(result.deleted).toBe(4);
    expect(existsSync(dir)).toBe(false);
  });

  it('role deletion of a role without skills also removes the (empty) skills/ we created', async () => {
    // Regression: apply creates skills/ for every live role; a role with no skills has no deleted file
    // under it, so deletion must remove the empty skills/ itself before the role dir.
    await converge([bytesFile('config.toml', 'c'), bytesFile('mcp.json', 'm')]);
    await converge(null);
    expect(existsSync(dir)).toBe(false);
  });

  it('role deletion keeps the role dir when a user file is in it, but removes the manifest', async () => {
    await converge(base());
    put(join(dir, 'notes.txt'), 'mine');
    await converge(null);
    expect(existsSync(join(dir, MANIFEST_FILE))).toBe(false);
    expect(existsSync(join(dir, 'config.toml'))).toBe(false);
    expect(read('notes.txt')).toBe('mine');
  });
});

describe('applyPlan: source changed between render and apply', () => {
  it('reports sourceChanged and records the md5 of the bytes that landed', async () => {
    await converge(base());
    const files = [...base().slice(0, 3), copyFile('skills/tdd/scripts/run.sh', '#!/bin/sh\necho v2\n', 0o755)];
    const plan = await planFor(files);
    expect(plan.writes.map((w) => w.file.path)).toEqual(['skills/tdd/scripts/run.sh']);
    writeFileSync(join(sourceDir, 'skills__tdd__scripts__run.sh'), '#!/bin/sh\necho v3 changed meanwhile\n');
    const result = await applyPlan(plan, { backupsDir, clock });
    expect(result.sourceChanged).toEqual(['skills/tdd/scripts/run.sh']);
    expect(read('skills/tdd/scripts/run.sh')).toBe('#!/bin/sh\necho v3 changed meanwhile\n');
    const m = await readManifest(dir);
    const e = m.state === 'ok' ? m.manifest.entries.find((x) => x.path === 'skills/tdd/scripts/run.sh') : undefined;
    expect(e?.md5).toBe(md5('#!/bin/sh\necho v3 changed meanwhile\n'));
    expect(result.backups).toBe(0);
  });

  it('reports no sourceChanged when the sources are stable', async () => {
    const { result } = await converge(base());
    expect(result.sourceChanged).toEqual([]);
  });
});

describe('applyPlan: large batches made durable by a shared syncfs', () => {
  const shells: SyncfsCoprocess[] = [];
  afterEach(() => {
    for (const s of shells.splice(0)) s.close();
  });
  const many = (n: number, version = 'v1'): DesiredFile[] => [
    bytesFile('config.toml', `default_model = "${version}"\n`),
    ...Array.from({ length: n }, (_, i) => copyFile(`skills/s${i}/SKILL.md`, `---\nname: s${i}\n---\n${version}\n`)),
  ];
  const countingBarrier = (fail = false) => {
    let rounds = 0;
    const shell = new SyncfsCoprocess();
    shells.push(shell);
    const barrier = new SyncBarrier(async (path) => {
      rounds++;
      if (fail) throw new Error('spawn sync ENOENT');
      await shell.run(path);
    });
    return { barrier, rounds: () => rounds };
  };

  it('lands a batch with a few syncfs rounds instead of a fsync per file, and records every file', async () => {
    const { barrier, rounds } = countingBarrier();
    const files = many(150);
    const result = await applyPlan(await planFor(files), { backupsDir, clock, barrier });
    expect(result.written).toBe(151);
    expect(rounds()).toBeGreaterThan(0);
    expect(rounds()).toBeLessThanOrEqual(Math.ceil(151 / 64) + 1);
    for (const f of files.slice(1, 4)) expect(md5(readFileSync(join(dir, f.path)))).toBe(f.md5);
    expect(listAll(dir).filter((p) => p.includes('.hero-tmp-'))).toEqual([]);
    const m = await readManifest(dir);
    expect(m.state === 'ok' && m.manifest.entries.length).toBe(151);
    expect((await planFor(files)).writes).toEqual([]); // converged: the manifest matches the disk
  });

  it('falls back to an fsync per file where syncfs cannot run, with the same result', async () => {
    const { barrier } = countingBarrier(true);
    const result = await applyPlan(await planFor(many(20)), { backupsDir, clock, barrier });
    expect(result.written).toBe(21);
    expect(barrier.available()).toBe(false);
    expect(listAll(dir).filter((p) => p.includes('.hero-tmp-'))).toEqual([]);
    expect((await planFor(many(20))).writes).toEqual([]);
  });

  it('a failure while staging leaves no temp file and renames nothing of the batch into place', async () => {
    const { barrier } = countingBarrier();
    await applyPlan(await planFor(many(20)), { backupsDir, clock, barrier });
    const next = many(20, 'v2');
    const plan = await planFor(next);
    rmSync(next[10]!.source.kind === 'copy' ? next[10]!.source.from : ''); // a source gone after the plan
    await expect(applyPlan(plan, { backupsDir, clock, barrier })).rejects.toBeInstanceOf(ApplyError);
    expect(listAll(dir).filter((p) => p.includes('.hero-tmp-'))).toEqual([]);
    expect(read('skills/s1/SKILL.md')).toContain('v1'); // staged before the failure, never published
    expect(read('skills/s19/SKILL.md')).toContain('v1');
  });

  it('trusts the registry md5 only while the source keeps the stamp it was taken at, past the racy window', async () => {
    const { barrier } = countingBarrier();
    const files = many(20);
    const stamped = files.map((f) => {
      if (f.source.kind !== 'copy') return f;
      const st = statSync(f.source.from);
      return {
        ...f,
        md5: 'f'.repeat(32),
        source: { ...f.source, stamp: { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs } },
      };
    });
    // The test clock is a year ahead, so the sources look long settled: their recorded md5 stands.
    const trusted = await applyPlan(await planFor(stamped), { backupsDir, clock, barrier });
    expect(trusted.sourceChanged).toEqual([]);
    rmSync(dir, { recursive: true });
    // With the real clock the sources were written moments ago: their bytes are hashed, and they differ.
    const hashed = await applyPlan(await planFor(stamped), { backupsDir, clock: { now: () => Date.now() }, barrier });
    expect(hashed.sourceChanged).toHaveLength(20);
  });
});

describe('applyPlan: interrupted runs', () => {
  const files = (v: string, n = 6): DesiredFile[] =>
    Array.from({ length: n }, (_, i) =>
      copyFile(`skills/s${i}/SKILL.md`, `---\nname: s${i}\n---\n${v} ${'x'.repeat(i)}\n`),
    );
  /**
   * Apply `next` but stop it as a kill would: at 'rename', a directory appears at its last file's path after
   * planning, so every other file lands and the final manifest is never written; at 'stage', its last source
   * disappears, so only the write intent is in place and no file was renamed.
   */
  async function interrupted(next: DesiredFile[], at: 'rename' | 'stage'): Promise<void> {
    const plan = await planFor(next);
    const last = plan.writes.at(-1)!.file;
    const blocker = join(dir, last.path);
    if (at === 'rename') {
      rmSync(blocker, { force: true });
      put(join(blocker, 'keep'), 'x');
      // Something not planned for appeared in the way: that path is left alone (raced), the others land.
      expect((await applyPlan(plan, { backupsDir, clock })).raced).toEqual([last.path]);
      rmSync(blocker, { recursive: true });
      return;
    }
    rmSync(last.source.kind === 'copy' ? last.source.from : '');
    await expect(applyPlan(plan, { backupsDir, clock })).rejects.toBeInstanceOf(ApplyError);
  }

  /**
   * Regression. Run 1 (v2) stops mid-write: the intent says {md5 v1, pending v2} and some files hold v2. Run 2
   * (back to v1) must record the v2 bytes it is about to replace as ours ({md5 v2, pending v1}); it used to forget
   * them, and run 3 then called our own v2 bytes a hand edit and backed them up.
   */
  it('two interrupted runs in a row never make a backup of our own bytes', async () => {
    await converge(files('v1'));
    await interrupted(files('v2'), 'rename');
    const landed = files('v2', 5).filter((f) => md5(readFileSync(join(dir, f.path))) === f.md5);
    expect(landed.length).toBe(5); // every rename but the failing one landed (the failure waits for the others)
    await interrupted(files('v1'), 'stage'); // stopped after its intent, before replacing any v2 bytes
    expect(files('v2', 5).every((f) => md5(readFileSync(join(dir, f.path))) === f.md5)).toBe(true);
    const m = await readManifest(dir);
    expect(m.state === 'ok' && m.manifest.entries.filter((e) => e.pendingMd5).length).toBeGreaterThan(0);
    const { result } = await converge(files('v1'));
    expect(result.backups).toBe(0);
    expect(roleBackups()).toEqual([]);
    for (const f of files('v1')) expect(md5(readFileSync(join(dir, f.path)))).toBe(f.md5);
  });

  it('a failed write leaves no write running behind it and no temp file', async () => {
    await converge(files('v1', 12));
    await interrupted(files('v2', 12), 'rename');
    const before = listAll(dir);
    await new Promise((r) => setTimeout(r, 50));
    expect(listAll(dir)).toEqual(before); // nothing landed after applyPlan returned
    expect(before.filter((p) => p.includes('.hero-tmp-'))).toEqual([]);
  });

  it('a failure while staging renames nothing into place and leaves no temp file', async () => {
    await converge(files('v1', 12));
    const plan = await planFor(files('v2', 12));
    const last = plan.writes.at(-1)!.file;
    rmSync(last.source.kind === 'copy' ? last.source.from : ''); // a source gone after planning
    await expect(applyPlan(plan, { backupsDir, clock })).rejects.toBeInstanceOf(ApplyError);
    for (const f of files('v1', 11)) expect(md5(readFileSync(join(dir, f.path)))).toBe(f.md5);
    expect(listAll(dir).filter((p) => p.includes('.hero-tmp-'))).toEqual([]);
  });
});

describe('applyPlan: the manifest it wrote is remembered', () => {
  it('the next read is served from the cache and equals what parsing the file gives', async () => {
    const manifests = manifestCache();
    await applyPlan(await planFor(base()), { backupsDir, clock, manifests });
    const cached = await readManifest(dir, manifests);
    const parsed = await readManifest(dir);
    expect(cached).toEqual(parsed);
    expect(cached.state === 'ok' && Object.isFrozen(cached.manifest)).toBe(true);
    expect(
      (await readManifest(dir, manifests)).state === 'ok' &&
        cached.state === 'ok' &&
        ((await readManifest(dir, manifests)) as { manifest: unknown }).manifest,
    ).toBe(cached.state === 'ok' && cached.manifest);
    // A hand edit of the manifest changes its stamp: it is parsed again.
    writeFileSync(join(dir, MANIFEST_FILE), '{"version":1}');
    expect((await readManifest(dir, manifests)).state).toBe('corrupt');
  });
});

describe('applyPlan: a new skill directory is staged whole and renamed into place once', () => {
  const skill = (name: string, v = 'v1'): DesiredFile[] => [
    copyFile(`skills/${name}/SKILL.md`, `---\nname: ${name}\n---\n${v}\n`),
    copyFile(`skills/${name}/scripts/run.sh`, `#!/bin/sh\necho ${v}\n`, 0o755),
    copyFile(`skills/${name}/reference.md`, `# ${name} ${v}\n`),
  ];

  it('lands every file of a new skill with its mode, and no staged directory is left', async () => {
    const files = [bytesFile('config.toml', 'x = 1\n'), ...skill('alpha'), ...skill('beta')];
    const { result } = await converge(files);
    expect(result.written).toBe(7);
    for (const f of files) expect(md5(readFileSync(join(dir, f.path)))).toBe(f.md5);
    expect(mode('skills/alpha/scripts/run.sh')).toBe(0o755);
    expect(mode('skills/alpha/SKILL.md')).toBe(0o644);
    expect(readdirSync(join(dir, 'skills')).sort()).toEqual(['alpha', 'beta']);
    expect(readdirSync(dir).filter((n) => n.includes('.hero-tmp-'))).toEqual([]);
    expect((await planFor(files)).writes).toEqual([]); // the manifest recorded what landed (mtimes included)
  });

  it('stages in the role directory, never inside skills/ (Kimi lists hidden directories there as skills); a skill is seen whole or not at all', async () => {
    await converge(skill('alpha'));
    const next = [...skill('alpha'), ...skill('beta')];
    const plan = await planFor(next);
    // Look at the role directory on every turn of the event loop while the apply runs (its copies, fsyncs and
    // renames run on the thread pool, so the loop turns between them).
    const seen: { top: string[]; skills: string[]; beta: string[] }[] = [];
    let running = true;
    const look = () => {
      if (!running) return;
      const beta = join(dir, 'skills/beta');
      // skills/ before the role directory: the rename may run between the two reads, and in this order it
      // can only make the staged directory look gone early, never make beta look present while staging.
      const skills = readdirSync(join(dir, 'skills')).sort();
      const top = readdirSync(dir);
      seen.push({
        top,
        skills,
        beta: skills.includes('beta') ? readdirSync(beta, { recursive: true }).map(String).sort() : [],
      });
      setImmediate(look);
    };
    setImmediate(look);
    await applyPlan(plan, { backupsDir, clock }).finally(() => (running = false));
    const staging = seen.filter((s) => s.top.some((n) => /^\.skill-beta\.hero-tmp-\d+-[0-9a-f]{8}$/.test(n)));
    expect(staging.length).toBeGreaterThan(0); // the staged directory was seen, in the role directory
    for (const s of seen) {
      expect(s.skills.filter((n) => n !== 'alpha' && n !== 'beta')).toEqual([]); // nothing else ever in skills/
      if (s.skills.includes('beta')) expect(s.beta).toEqual(['SKILL.md', 'reference.md', 'scripts', 'scripts/run.sh']);
    }
    for (const s of staging) expect(s.skills).toEqual(['alpha']);
    expect(readdirSync(join(dir, 'skills')).sort()).toEqual(['alpha', 'beta']);
  });

  it('a file staged into a staged directory that vanished fails; the directory is not made again', async () => {
    const gone = join(root, '.skill-x.hero-tmp-1-00000000');
    const src = join(root, 'src-file');
    put(src, 'bytes\n');
    await expect(stageCopy(join(dir, 'skills/x/SKILL.md'), src, 0o644, join(gone, 'SKILL.md'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    await expect(stageFile(join(dir, 'skills/x/a.md'), 'a', 0o644, join(gone, 'sub/a.md'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(existsSync(gone)).toBe(false);
  });

  it('a new skill that fails while staging leaves no directory at all, not an empty or partial one', async () => {
    await converge(skill('alpha'));
    const next = [...skill('alpha'), ...skill('beta')];
    const plan = await planFor(next);
    const lastOfBeta = next.at(-1)!;
    rmSync(lastOfBeta.source.kind === 'copy' ? lastOfBeta.source.from : ''); // a source gone after planning
    await expect(applyPlan(plan, { backupsDir, clock })).rejects.toBeInstanceOf(ApplyError);
    expect(readdirSync(join(dir, 'skills'))).toEqual(['alpha']); // file by file, beta/ and beta/scripts/ stayed behind
  });

  it('a skill directory that exists (a file of it deleted) is completed file by file, the rest untouched', async () => {
    await converge(skill('alpha'));
    const before = statSync(join(dir, 'skills/alpha/SKILL.md')).ino;
    rmSync(join(dir, 'skills/alpha/scripts/run.sh'));
    put(join(dir, 'skills/alpha/NOTES.md'), 'mine\n');
    const { result } = await converge(skill('alpha'));
    expect(result.written).toBe(1);
    expect(statSync(join(dir, 'skills/alpha/SKILL.md')).ino).toBe(before);
    expect(read('skills/alpha/NOTES.md')).toBe('mine\n');
  });

  it('a staged directory is never published over a directory that appeared meanwhile: it is removed, the other kept', async () => {
    const target = join(root, 'skills', 'gamma');
    const tmp = await stageDir(root, 'skill-gamma');
    expect(dirname(tmp)).toBe(root);
    put(join(tmp, 'SKILL.md'), 'ours\n');
    put(join(target, 'SKILL.md'), 'theirs\n');
    await expect(publishStagedDir(tmp, target)).rejects.toMatchObject({
      code: expect.stringMatching(/ENOTEMPTY|EEXIST/),
    });
    expect(existsSync(tmp)).toBe(false);
    expect(readFileSync(join(target, 'SKILL.md'), 'utf8')).toBe('theirs\n');
  });

  it('nor over a file or a symlink that appeared meanwhile (the symlink is not followed)', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    put(join(root, 'skills', 'file'), 'a file\n');
    symlinkSync(elsewhere, join(root, 'skills', 'link'));
    for (const name of ['file', 'link']) {
      const tmp = await stageDir(root, `skill-${name}`);
      put(join(tmp, 'SKILL.md'), 'ours\n');
      await expect(publishStagedDir(tmp, join(root, 'skills', name))).rejects.toMatchObject({
        code: expect.stringMatching(/ENOTDIR|EEXIST|EISDIR/),
      });
      expect(existsSync(tmp)).toBe(false);
    }
    expect(readFileSync(join(root, 'skills', 'file'), 'utf8')).toBe('a file\n');
    expect(lstatSync(join(root, 'skills', 'link')).isSymbolicLink()).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

// These need mount(8) as root (a tmpfs and a bind mount under the test's temp dir); elsewhere they are skipped:
// an unprivileged run cannot make a second filesystem or mount point.
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'ht-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

describe.skipIf(!canMount)('applyPlan: skills/ on another mount (root only)', () => {
  const shells: SyncfsCoprocess[] = [];
  afterEach(() => {
    for (const s of shells.splice(0)) s.close();
  });
  const mounted = (args: string[], at: string) => {
    mkdirSync(at, { recursive: true });
    const r = spawnSync('mount', [...args, at], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
    return { [Symbol.dispose]: () => spawnSync('umount', [at]) };
  };
  const newSkills = (n: number) =>
    Array.from({ length: n }, (_, i) => copyFile(`skills/m${i}/SKILL.md`, `---\nname: m${i}\n---\nv1\n`));

  it('a batch flushed by syncfs covers the filesystem of skills/ too, not only the role directory', async () => {
    using _ = mounted(['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs'], join(dir, 'skills'));
    const flushed: string[] = [];
    const shell = new SyncfsCoprocess();
    shells.push(shell);
    const barrier = new SyncBarrier(async (path) => {
      flushed.push(path);
      await shell.run(path);
    });
    const files = [bytesFile('config.toml', 'x = 1\n'), ...newSkills(20)];
    const result = await applyPlan(await planFor(files), { backupsDir, clock, barrier });
    expect(result.written).toBe(21);
    for (const f of files) expect(md5(readFileSync(join(dir, f.path)))).toBe(f.md5);
    const devs = new Set(flushed.map((p) => statSync(p).dev));
    expect(devs).toEqual(new Set([statSync(dir).dev, statSync(join(dir, 'skills')).dev]));
    expect(statSync(dir).dev).not.toBe(statSync(join(dir, 'skills')).dev);
    expect(readdirSync(dir).filter((n) => n.includes('.hero-tmp-'))).toEqual([]);
  });

  it('a skills/ bind-mounted from the same filesystem: the one failed rename (EXDEV) makes the role write skills file by file', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(dir, { recursive: true });
    using _ = mounted(['--bind', elsewhere], join(dir, 'skills'));
    expect(statSync(join(dir, 'skills')).dev).toBe(statSync(dir).dev); // a device check cannot tell
    const files = newSkills(2);
    const staging = new StagingMemory();
    await expect(applyPlan(await planFor(files), { backupsDir, clock, staging })).rejects.toMatchObject({
      cause: { code: 'EXDEV' },
    });
    expect(readdirSync(dir).filter((n) => n.includes('.hero-tmp-'))).toEqual([]);
    const result = await applyPlan(await planFor(files), { backupsDir, clock, staging });
    expect(result.written).toBe(2);
    for (const f of files) expect(md5(readFileSync(join(elsewhere, f.path.slice('skills/'.length))))).toBe(f.md5);
  });
});
