/**
 * The backup and revert failures of peer tools (reference prior-art: ruler #487, #567, #530, #672, #540; omk's
 * rollback; home-manager's colliding backups), each replayed against hero_team's backups, restore and rollback.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupSession } from '../../src/controllers/backup.ts';
import { pruneBackups } from '../../src/controllers/backup-retention.ts';
import { readBackupIndex } from '../../src/observed/backup-index.ts';
import { md5Bytes } from '../../src/observed/digest.ts';
import { cli } from '../helpers/cli.ts';
import { addSkill, makeTree, put, type TestTree, writeStore } from '../helpers/tree.ts';

const ORIGINAL = '# my own kimi config, from before hero_team\ndefault_model = "mine"\n';
const MODEL = 'kimi-code/kimi-for-coding';

describe('backup stories from prior art', () => {
  let tree: TestTree;
  const dir = () => join(tree.paths.rolesDir, 'backend');
  const backupsRoot = () => join(tree.paths.home, 'backups');
  const entries = () => readBackupIndex(backupsRoot(), 'backend').entries;
  const sync = async () => expect((await cli(tree.env, 'sync')).code).toBe(0);
  const setRole = (extra: Record<string, unknown> = {}) =>
    writeStore(tree, [{ name: 'backend', model: MODEL, skills: ['alpha'], ...extra }]);

  beforeEach(() => {
    tree = makeTree({ KIMI_API_KEY: 'sk-MARKER-backup-1' });
    addSkill(tree, 'alpha');
    put(join(dir(), 'config.toml'), ORIGINAL, 0o644);
    setRole();
  });
  afterEach(() => tree.cleanup());

  it('ruler#487 / omk: a second changing sync keeps the original backup, and rollback restores it, not the newest', async () => {
    await sync(); // takes over: the user's config.toml is backed up as foreign
    setRole({ thinking: false, generation: 2 });
    await sync(); // changes our file: no backup of our own bytes
    writeFileSync(join(dir(), 'config.toml'), 'hand edit 1\n');
    await sync(); // reverted, edit backed up
    setRole({ thinking: true, generation: 3 });
    await sync();
    const original = entries().filter((e) => e.path === 'config.toml');
    expect(original.map((e) => e.reason)).toEqual(['foreign', 'modified']);
    expect(readFileSync(original[0]!.file, 'utf8')).toBe(ORIGINAL);
    const r = await cli(tree.env, 'rollback', 'backend');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe(ORIGINAL);
  });

  it('ruler#567: generated content never becomes a backup of itself', async () => {
    await sync();
    for (let g = 2; g <= 4; g++) {
      setRole({ thinking: g % 2 === 0, yolo: g > 2, generation: g });
      await sync();
    }
    const userBytes = new Set([md5Bytes(ORIGINAL)]);
    expect(
      entries()
        .map((e) => e.md5)
        .every((m) => userBytes.has(m)),
    ).toBe(true);
    expect(entries()).toHaveLength(1);
    // The record says which generation replaced the file, its size and mode.
    expect(entries()[0]).toMatchObject({ reason: 'foreign', generation: 1, size: ORIGINAL.length, mode: 0o644 });
  });

  it('ruler#672: an unrelated config.toml.bak and backup directories hero_team did not make are never restored', async () => {
    put(join(dir(), 'config.toml.bak'), 'stale bak: must never come back\n');
    await sync();
    // A directory named like ours without a record, one whose record names another role, and a tampered copy.
    put(join(backupsRoot(), 'backend', '20000101T000000.000Z-000', 'config.toml'), 'planted, no record\n');
    put(join(backupsRoot(), 'backend', '20000101T000000.000Z-001', 'config.toml'), 'planted for another role\n');
    put(
      join(backupsRoot(), 'backend', '20000101T000000.000Z-001', 'BACKUP.json'),
      JSON.stringify({
        role: 'other',
        files: [
          {
            path: 'config.toml',
            reason: 'foreign',
            md5: md5Bytes('planted for another role\n'),
            at: '2000-01-01T00:00:00.000Z',
          },
        ],
      }),
    );
    const list = await cli(tree.env, 'backups', 'backend', '--json');
    const listed = JSON.parse(list.stdout) as { backups: { id: string }[]; ignored: string[] };
    expect(listed.backups.map((b) => b.id)).toHaveLength(1);
    expect(listed.ignored).toHaveLength(2);
    expect((await cli(tree.env, 'rollback', 'backend')).code).toBe(0);
    expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe(ORIGINAL);
    expect(readFileSync(join(dir(), 'config.toml.bak'), 'utf8')).toBe('stale bak: must never come back\n');
  });

  it('a tampered original is not trusted: the file is skipped and reported, nothing deleted in its place', async () => {
    await sync();
    const original = entries()[0]!;
    writeFileSync(original.file, 'tampered\n');
    const generated = readFileSync(join(dir(), 'config.toml'), 'utf8');
    const r = await cli(tree.env, 'rollback', 'backend');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SKIPPED config\.toml: its original backup .* is missing or altered/);
    expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe(generated);
  });

  it('ruler#530: a newer user edit is never overwritten by an older original (report policy keeps the edit; rollback skips it)', async () => {
    await sync(); // adopt with a backup of the original
    setRole({ driftPolicy: 'report', generation: 2 });
    await sync();
    writeFileSync(join(dir(), 'config.toml'), 'newer edit the user wants\n');
    await cli(tree.env, 'sync'); // report: held, not reverted
    const r = await cli(tree.env, 'rollback', 'backend');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/SKIPPED config\.toml: changed since hero_team wrote it/);
    expect(readFileSync(join(dir(), 'config.toml'), 'utf8')).toBe('newer edit the user wants\n');
  });

  it('omk: files the manifest does not list are never touched; a file we created is deleted only while it is ours', async () => {
    put(join(dir(), 'skills', 'my-own', 'SKILL.md'), '---\nname: my-own\ndescription: mine\n---\n');
    put(join(dir(), 'notes.txt'), 'my notes\n');
    await sync();
    writeFileSync(join(dir(), 'skills', 'alpha', 'SKILL.md'), 'I edited the copy\n');
    const storeBefore = readFileSync(join(tree.paths.home, 'store.json'), 'utf8');
    const r = await cli(tree.env, 'rollback', 'backend');
    expect(r.code).toBe(1); // one file skipped: said so
    expect(readFileSync(join(dir(), 'skills', 'my-own', 'SKILL.md'), 'utf8')).toContain('name: my-own');
    expect(readFileSync(join(dir(), 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(join(dir(), 'skills', 'alpha', 'SKILL.md'), 'utf8')).toBe('I edited the copy\n');
    expect(existsSync(join(dir(), 'mcp.json'))).toBe(false);
    expect(existsSync(join(dir(), '.hero-team-manifest.json'))).toBe(false);
    expect(readFileSync(join(tree.paths.home, 'store.json'), 'utf8')).not.toBe(storeBefore);
    expect(JSON.parse(readFileSync(join(tree.paths.home, 'store.json'), 'utf8')).roles).toEqual([]);
  });

  it('ruler#540: every pre-existing file hero_team replaces is backed up, not only the first', async () => {
    put(join(dir(), 'mcp.json'), '{"mcpServers": {"mine": {"command": "x"}}}\n');
    put(join(dir(), 'skills', 'alpha', 'SKILL.md'), 'my own alpha\n');
    await sync();
    expect(
      entries()
        .map((e) => e.path)
        .sort(),
    ).toEqual(['config.toml', 'mcp.json', 'skills/alpha/SKILL.md']);
    expect((await cli(tree.env, 'rollback', 'backend')).code).toBe(0);
    expect(readFileSync(join(dir(), 'mcp.json'), 'utf8')).toContain('"mine"');
    expect(readFileSync(join(dir(), 'skills', 'alpha', 'SKILL.md'), 'utf8')).toBe('my own alpha\n');
  });

  it('home-manager#4566: a second backup in the same millisecond never collides with the first', async () => {
    const clock = { now: () => Date.parse('2026-01-01T00:00:00Z') };
    put(join(dir(), 'a.txt'), 'one\n');
    const first = new BackupSession(backupsRoot(), 'backend', clock);
    await first.save('a.txt', join(dir(), 'a.txt'), { reason: 'foreign', md5: md5Bytes('one\n') });
    writeFileSync(join(dir(), 'a.txt'), 'two\n');
    const second = new BackupSession(backupsRoot(), 'backend', clock);
    await second.save('a.txt', join(dir(), 'a.txt'), { reason: 'modified', md5: md5Bytes('two\n') });
    expect(first.path).not.toBe(second.path);
    expect(entries().map((e) => readFileSync(e.file, 'utf8'))).toEqual(['one\n', 'two\n']);
  });

  it('retention never drops the first backup of a path, whatever its age and the count', async () => {
    let t = Date.parse('2020-01-01T00:00:00Z');
    const clock = { now: () => t };
    for (let i = 0; i < 6; i++) {
      put(join(dir(), 'config.toml'), `version ${i}\n`);
      const s = new BackupSession(backupsRoot(), 'backend', clock);
      await s.save('config.toml', join(dir(), 'config.toml'), {
        reason: i === 0 ? 'foreign' : 'modified',
        md5: md5Bytes(`version ${i}\n`),
      });
      if (i === 2) {
        put(join(dir(), 'mcp.json'), 'first of mcp\n');
        await s.save('mcp.json', join(dir(), 'mcp.json'), { reason: 'modified', md5: md5Bytes('first of mcp\n') });
      }
      t += 86_400_000;
    }
    t += 400 * 86_400_000;
    const dropped = pruneBackups(backupsRoot(), 'backend', { keep: 2, maxAgeDays: 30 }, clock);
    expect(dropped).toHaveLength(2); // sessions 1 and 3; 0 (original) and 2 (first of mcp.json) stay, 4 and 5 are the newest
    const left = entries().map((e) => readFileSync(e.file, 'utf8'));
    expect(left).toEqual(['version 0\n', 'version 2\n', 'first of mcp\n', 'version 4\n', 'version 5\n']);
    // Age alone keeps everything younger than the limit.
    expect(pruneBackups(backupsRoot(), 'backend', { keep: 0, maxAgeDays: 10_000 }, clock)).toEqual([]);
    // A directory that is not one of ours is never removed.
    mkdirSync(join(backupsRoot(), 'backend', 'keep-me'));
    pruneBackups(backupsRoot(), 'backend', { keep: 0, maxAgeDays: 0 }, clock);
    expect(readdirSync(join(backupsRoot(), 'backend'))).toContain('keep-me');
    expect(entries().map((e) => readFileSync(e.file, 'utf8'))).toEqual([
      'version 0\n',
      'version 2\n',
      'first of mcp\n',
    ]);
  });

  it('sync applies the retention rule from the environment after making backups, keeping the original', async () => {
    const env = { ...tree.env, HERO_TEAM_BACKUP_KEEP: '1', HERO_TEAM_BACKUP_MAX_AGE_DAYS: '0' };
    expect((await cli(env, 'sync')).code).toBe(0);
    for (const edit of ['edit 1\n', 'edit 2\n', 'edit 3\n']) {
      writeFileSync(join(dir(), 'config.toml'), edit);
      expect((await cli(env, 'sync')).code).toBe(0);
    }
    expect(entries().map((e) => readFileSync(e.file, 'utf8'))).toEqual([ORIGINAL, 'edit 3\n']);
    const listed = JSON.parse((await cli(env, 'backups', 'backend', '--json')).stdout).backups as {
      original: boolean;
      protected: boolean;
    }[];
    expect(listed.map((b) => [b.original, b.protected])).toEqual([
      [true, true],
      [false, false],
    ]);
  });
});
