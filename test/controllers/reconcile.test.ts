import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ReconcileDeps, reconcileRole } from '../../src/controllers/reconcile.ts';
import { Sources } from '../../src/controllers/sources.ts';
import { StatusBook } from '../../src/controllers/status-book.ts';
import { InvalidSpecError } from '../../src/errors.ts';
import { createLogger, type Logger, silentLogger } from '../../src/log.ts';
import { MANIFEST_FILE, readManifest } from '../../src/observed/manifest.ts';
import { RoleObservations } from '../../src/observed/role-observations.ts';
import { addSkill, makeTree, put, skillMd, type TestTree, writeStore } from '../helpers/tree.ts';

const clock = { now: () => 1_800_000_000_000 };

let tree: TestTree;
let sources: Sources;
let roleDir: string;

/** Registry: tdd (with an executable script) and git-helper; store: role backend whitelisting both. */
beforeEach(async () => {
  tree = makeTree();
  roleDir = join(tree.paths.rolesDir, 'backend');
  addSkill(tree, 'tdd', { 'references/guide.md': '# guide\n' });
  put(join(tree.paths.skillsDir, 'tdd', 'scripts', 'run.sh'), '#!/bin/sh\necho tdd\n', 0o755);
  addSkill(tree, 'git-helper');
  writeStore(tree, [role()]);
  sources = new Sources(tree.paths, { scanShareMs: 0 }); // strict level-triggering: every reconcile rescans its skills
  await sources.loadAll();
});
afterEach(() => tree.cleanup());

function role(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd', 'git-helper'], ...extra };
}

function deps(env: NodeJS.ProcessEnv = {}, log: Logger = silentLogger()): ReconcileDeps {
  return {
    paths: tree.paths,
    env,
    clock,
    log,
    registry: sources.registry,
    store: () => sources.store!,
    services: () => sources.services,
  };
}

/** Replace the store and make the new one the store in force. */
async function setRoles(roles: Record<string, unknown>[]): Promise<void> {
  writeStore(tree, roles);
  expect(await sources.loadStore()).toBe(true);
}

/** Every regular file under the role dir, relative, sorted. */
function roleFiles(): string[] {
  const entries = readdirSync(roleDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(roleDir.length + 1))
    .sort();
}

const read = (rel: string): string => readFileSync(join(roleDir, rel), 'utf8');
const backupsRoot = (): string => join(tree.paths.home, 'backups', 'backend');

const FIRST_RUN_FILES = [
  MANIFEST_FILE,
  'config.toml',
  'mcp.json',
  'skills/git-helper/SKILL.md',
  'skills/tdd/SKILL.md',
  'skills/tdd/references/guide.md',
  'skills/tdd/scripts/run.sh',
].sort();

describe('reconcileRole: convergence', () => {
  it('first run writes exactly config.toml, mcp.json, the skill files and the manifest', async () => {
    const out = await reconcileRole('backend', deps());
    expect(out.kind).toBe('converged');
    expect(out.result!.written).toBe(6);
    expect(roleFiles()).toEqual(FIRST_RUN_FILES);
    expect(read('skills/tdd/scripts/run.sh')).toBe('#!/bin/sh\necho tdd\n');
    expect(statSync(join(roleDir, 'skills/tdd/scripts/run.sh')).mode & 0o777).toBe(0o755);
    expect(read('skills/git-helper/SKILL.md')).toBe(skillMd('git-helper'));
    const m = await readManifest(roleDir);
    expect(m.state === 'ok' && m.manifest.entries.map((e) => e.path)).toEqual(
      FIRST_RUN_FILES.filter((f) => f !== MANIFEST_FILE),
    );
  });

  it('second run with nothing changed writes nothing and leaves the manifest bytes alone', async () => {
    await reconcileRole('backend', deps());
    const manifestBefore = readFileSync(join(roleDir, MANIFEST_FILE));
    const mtimeBefore = statSync(join(roleDir, MANIFEST_FILE)).mtimeMs;
    const out = await reconcileRole('backend', deps());
    expect(out.plan!.writes).toEqual([]);
    expect(out.plan!.deletes).toEqual([]);
    expect(out.plan!.manifestChanged).toBe(false);
    expect(out.result!.written).toBe(0);
    expect(out.result!.backups).toBe(0);
    expect(readFileSync(join(roleDir, MANIFEST_FILE)).equals(manifestBefore)).toBe(true);
    expect(statSync(join(roleDir, MANIFEST_FILE)).mtimeMs).toBe(mtimeBefore);
  });

  it('a skill edit in the registry rewrites only that skill file', async () => {
    await reconcileRole('backend', deps());
    put(join(tree.paths.skillsDir, 'tdd', 'references', 'guide.md'), '# guide, second edition (longer)\n');
    const out = await reconcileRole('backend', deps());
    expect(out.plan!.writes.map((w) => w.file.path)).toEqual(['skills/tdd/references/guide.md']);
    expect(out.result!.written).toBe(1);
    expect(out.result!.backups).toBe(0);
    expect(read('skills/tdd/references/guide.md')).toBe('# guide, second edition (longer)\n');
  });

  it('removing a skill from the whitelist deletes its copy and nothing else', async () => {
    await reconcileRole('backend', deps());
    await setRoles([role({ skills: ['tdd'] })]);
    const out = await reconcileRole('backend', deps());
    expect(out.plan!.deletes.map((d) => d.path)).toEqual(['skills/git-helper/SKILL.md']);
    expect(out.result!.deleted).toBe(1);
    expect(out.result!.written).toBe(0);
    expect(existsSync(join(roleDir, 'skills/git-helper'))).toBe(false);
    expect(roleFiles()).toEqual(FIRST_RUN_FILES.filter((f) => !f.startsWith('skills/git-helper/')));
  });

  it('an invalid skill keeps its last good copy, warns in status, and other skills still sync', async () => {
    await reconcileRole('backend', deps());
    const goodCopy = read('skills/tdd/SKILL.md');
    put(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), '---\nname: [unclosed\ndescription: x\n---\nbody\n');
    put(join(tree.paths.skillsDir, 'git-helper', 'SKILL.md'), skillMd('git-helper', 'updated description'));
    const out = await reconcileRole('backend', deps());
    expect(out.desired!.invalidSkills).toEqual(['tdd']);
    expect(out.plan!.writes.map((w) => w.file.path)).toEqual(['skills/git-helper/SKILL.md']);
    expect(out.plan!.deletes).toEqual([]);
    expect(read('skills/tdd/SKILL.md')).toBe(goodCopy);
    expect(read('skills/tdd/scripts/run.sh')).toBe('#!/bin/sh\necho tdd\n');
    expect(read('skills/git-helper/SKILL.md')).toBe(skillMd('git-helper', 'updated description'));
    expect(out.skills).toEqual([
      { name: 'git-helper', md5: expect.any(String), stale: false },
      { name: 'tdd', md5: undefined, stale: true },
    ]);
    const m = await readManifest(roleDir);
    expect(m.state === 'ok' && m.manifest.entries.filter((e) => e.path.startsWith('skills/tdd/')).length).toBe(3);
    const book = new StatusBook(clock);
    book.succeeded(out);
    expect(book.get('backend')!.phase).toBe('Degraded');
    expect(book.get('backend')!.warnings.join('\n')).toContain('tdd');
  });

  it('throws InvalidSpecError for a model that is not in the catalog, writing nothing', async () => {
    await setRoles([role({ model: 'nope/unknown-model' })]);
    await expect(reconcileRole('backend', deps())).rejects.toBeInstanceOf(InvalidSpecError);
    expect(existsSync(roleDir)).toBe(false);
  });

  it('a missing KIMI_API_KEY is listed in missingSecrets and renders as ""', async () => {
    const out = await reconcileRole('backend', deps({}));
    expect(out.desired!.missingSecrets).toContain('KIMI_API_KEY');
    const toml = parse(read('config.toml')) as {
      providers: Record<string, { api_key: string }>;
      services: Record<string, { api_key: string }>;
    };
    expect(toml.providers['managed:kimi-code']!.api_key).toBe('');
    expect(toml.services.moonshot_search!.api_key).toBe('');
  });

  it('removes the role directory when the role leaves the store', async () => {
    await reconcileRole('backend', deps());
    await setRoles([]);
    const out = await reconcileRole('backend', deps());
    expect(out.kind).toBe('deleted');
    expect(out.result!.deleted).toBe(6);
    expect(existsSync(roleDir)).toBe(false);
    expect((await reconcileRole('backend', deps())).kind).toBe('absent');
  });
});

describe('reconcileRole: secrets never reach the logs', () => {
  it('writes the key into a 0600 config.toml but never into a debug log, across a drift revert', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (msg: string) => void lines.push(msg) });
    const env = { KIMI_API_KEY: 'MARKER-xyz' };
    const first = await reconcileRole('backend', deps(env, log));
    expect(first.desired!.missingSecrets).not.toContain('KIMI_API_KEY');
    expect(read('config.toml')).toContain('MARKER-xyz');
    expect(statSync(join(roleDir, 'config.toml')).mode & 0o777).toBe(0o600);
    // A hand edit that keeps the key: the revert backs it up (and logs about it).
    writeFileSync(join(roleDir, 'config.toml'), read('config.toml') + '\n# my edit\n');
    const second = await reconcileRole('backend', deps(env, log));
    expect(second.plan!.drift).toEqual([{ path: 'config.toml', kind: 'modified', action: 'reverted' }]);
    expect(second.result!.backups).toBe(1);
    await reconcileRole('backend', deps(env, log));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.includes('"reconciled"'))).toBe(true);
    expect(lines.join('')).not.toContain('MARKER-xyz');
    // The backup holds the key too: it must be as private as the original.
    expect(statSync(join(second.result!.backupDir!, 'config.toml')).mode & 0o077).toBe(0);
    expect(statSync(second.result!.backupDir!).mode & 0o077).toBe(0);
  });
});

describe('reconcileRole: drift and damage', () => {
  it('reverts a hand-edited config.toml and keeps the edit in a backup', async () => {
    await reconcileRole('backend', deps());
    const ours = read('config.toml');
    put(join(roleDir, 'config.toml'), 'default_model = "hand"\n');
    const out = await reconcileRole('backend', deps());
    expect(out.result!.written).toBe(1);
    expect(read('config.toml')).toBe(ours);
    expect(readFileSync(join(out.result!.backupDir!, 'config.toml'), 'utf8')).toBe('default_model = "hand"\n');
  });

  it('under report policy leaves a hand edit in place and reports it', async () => {
    await setRoles([role({ driftPolicy: 'report' })]);
    await reconcileRole('backend', deps());
    put(join(roleDir, 'mcp.json'), '{"mine":1}\n');
    const out = await reconcileRole('backend', deps());
    expect(out.plan!.drift).toEqual([{ path: 'mcp.json', kind: 'modified', action: 'reported' }]);
    expect(out.result!.written).toBe(0);
    expect(read('mcp.json')).toBe('{"mine":1}\n');
  });

  /** What a crash after the write intent leaves: the manifest records the temps the apply was about to create. */
  function recordTemps(rels: string[]): void {
    const manifestFile = join(roleDir, MANIFEST_FILE);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    manifest.entries[0].pendingMd5 = '0'.repeat(32);
    manifest.temps = rels;
    writeFileSync(manifestFile, JSON.stringify(manifest));
  }

  it('sweeps the temp files the write intent recorded, at any depth, with sweepTemps:true', async () => {
    await reconcileRole('backend', deps());
    const top = '.config.toml.hero-tmp-123-deadbeef';
    const nested = 'skills/tdd/.SKILL.md.hero-tmp-9-0123abcd';
    put(join(roleDir, top), 'partial');
    put(join(roleDir, nested), 'partial');
    recordTemps([top, nested]);
    const out = await reconcileRole('backend', deps(), { sweepTemps: true });
    expect(existsSync(join(roleDir, top))).toBe(false);
    expect(existsSync(join(roleDir, nested))).toBe(false);
    expect(out.result!.written).toBe(0);
    expect(roleFiles()).toEqual(FIRST_RUN_FILES);
  });

  it('sweeps a recorded staged skill directory, and a manifest temp by the marker inside it', async () => {
    await reconcileRole('backend', deps());
    const staged = '.skill-newskill.hero-tmp-9-0123abcd';
    put(join(roleDir, staged, 'SKILL.md'), 'partial');
    put(join(roleDir, staged, 'scripts/run.sh'), 'partial');
    const manifestTmp = join(roleDir, `.${MANIFEST_FILE}.hero-tmp-9-0123abce`);
    put(manifestTmp, readFileSync(join(roleDir, MANIFEST_FILE)));
    recordTemps([staged]);
    await reconcileRole('backend', deps(), { sweepTemps: true });
    expect(existsSync(join(roleDir, staged))).toBe(false);
    expect(existsSync(manifestTmp)).toBe(false);
  });

  it('never sweeps a user file or directory that merely looks like a temp name (issue 12 item 5)', async () => {
    await reconcileRole('backend', deps());
    const lookAlikes = [
      '.config.toml.hero-tmp-123-deadbeef',
      '.skill-mine.hero-tmp-9-0123abcd/SKILL.md',
      'skills/tdd/.notes.md.hero-tmp-1-00000000',
      `.${MANIFEST_FILE}.hero-tmp-9-0123abce`,
    ];
    for (const rel of lookAlikes) put(join(roleDir, rel), 'my own bytes');
    recordTemps(['.config.toml.hero-tmp-123-deadbeee']); // an unfinished intent: the deep sweep used to run
    await reconcileRole('backend', deps(), { sweepTemps: true });
    for (const rel of lookAlikes) expect(readFileSync(join(roleDir, rel), 'utf8')).toBe('my own bytes');
  });

  it('without sweepTemps, still sweeps the temps an unfinished write intent recorded (a failed apply), under the lock', async () => {
    await reconcileRole('backend', deps());
    put(join(roleDir, '.config.toml.hero-tmp-123-deadbeef'), 'partial');
    recordTemps(['.config.toml.hero-tmp-123-deadbeef']);
    await reconcileRole('backend', deps());
    expect(existsSync(join(roleDir, '.config.toml.hero-tmp-123-deadbeef'))).toBe(false);
  });

  it('with a corrupt manifest treats every file as not ours: backs up before overwrite, deletes nothing', async () => {
    await reconcileRole('backend', deps());
    put(join(roleDir, 'config.toml'), 'default_model = "hand"\n');
    writeFileSync(join(roleDir, MANIFEST_FILE), '{ this is not json');
    await setRoles([role({ skills: ['tdd'] })]);
    const out = await reconcileRole('backend', deps());
    // No file is known to be ours any more: each one taken over is backed up as foreign first (config.toml
    // differs; the others hold the same bytes, and are backed up all the same).
    const writes = out.plan!.writes.map((w) => [w.file.path, w.reason, w.backup?.reason]);
    expect(writes).toContainEqual(['config.toml', 'adopt', 'foreign']);
    expect(writes.every(([, reason, backup]) => reason === 'adopt' && backup === 'foreign')).toBe(true);
    expect(out.result!.backups).toBe(writes.length);
    expect(readFileSync(join(out.result!.backupDir!, 'config.toml'), 'utf8')).toBe('default_model = "hand"\n');
    // git-helper left the whitelist, but without a manifest we cannot prove it is ours: kept and reported.
    expect(out.plan!.deletes).toEqual([]);
    expect(read('skills/git-helper/SKILL.md')).toBe(skillMd('git-helper'));
    expect(out.plan!.drift).toContainEqual({ path: 'skills/git-helper', kind: 'stray', action: 'reported' });
    const m = await readManifest(roleDir);
    expect(m.state).toBe('ok');
    expect(m.state === 'ok' && m.manifest.entries.some((e) => e.path.startsWith('skills/git-helper/'))).toBe(false);
  });

  it('reports a stray skills/README.md as drift and does not delete it', async () => {
    await reconcileRole('backend', deps());
    put(join(roleDir, 'skills', 'README.md'), '# my notes\n');
    const out = await reconcileRole('backend', deps());
    expect(out.plan!.drift).toEqual([{ path: 'skills/README.md', kind: 'stray', action: 'reported' }]);
    expect(out.result!.deleted).toBe(0);
    expect(read('skills/README.md')).toBe('# my notes\n');
    const book = new StatusBook(clock);
    book.succeeded(out);
    expect(book.get('backend')!.warnings).toEqual(['stray: skills/README.md']);
  });

  it('dryRun plans but writes nothing on a fresh tree', async () => {
    const out = await reconcileRole('backend', deps(), { dryRun: true });
    expect(out.plan!.writes).toHaveLength(6);
    expect(out.result).toBeUndefined();
    expect(existsSync(roleDir)).toBe(false);
  });

  it('dryRun neither reverts a hand edit, nor backs up, nor sweeps', async () => {
    await reconcileRole('backend', deps());
    put(join(roleDir, 'config.toml'), 'hand\n');
    put(join(roleDir, '.mcp.json.hero-tmp-1-abcdef01'), 'partial');
    const manifestBefore = read(MANIFEST_FILE);
    const out = await reconcileRole('backend', deps(), { dryRun: true, sweepTemps: true });
    expect(out.plan!.writes.map((w) => w.reason)).toEqual(['revert']);
    expect(read('config.toml')).toBe('hand\n');
    expect(read(MANIFEST_FILE)).toBe(manifestBefore);
    expect(existsSync(join(roleDir, '.mcp.json.hero-tmp-1-abcdef01'))).toBe(true);
    expect(existsSync(backupsRoot())).toBe(false);
  });
});

describe('reconcileRole: one writer per role', () => {
  it('serialises concurrent reconciles of one role (a sync beside the daemon): one backup, both converge', async () => {
    await reconcileRole('backend', deps());
    writeFileSync(join(roleDir, 'config.toml'), 'hand edit\n');
    const [a, b] = await Promise.all([reconcileRole('backend', deps()), reconcileRole('backend', deps())]);
    expect((a.result?.backups ?? 0) + (b.result?.backups ?? 0)).toBe(1);
    expect(readdirSync(backupsRoot())).toHaveLength(1);
    expect(read('config.toml')).not.toBe('hand edit\n');
    expect(existsSync(join(tree.paths.home, 'locks', 'backend.lock'))).toBe(false);
  });
});

describe('reconcileRole: reading without the lock', () => {
  const lockFile = (): string => join(tree.paths.home, 'locks', 'backend.lock');
  /** Another live holder of the role's lock (this process's pid, someone else's token). */
  const holdLock = (): void =>
    put(lockFile(), JSON.stringify({ pid: process.pid, acquiredAt: Date.now(), token: 'other-writer' }) + '\n');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('checks a converged role without taking its lock: another holder does not make it wait', async () => {
    await reconcileRole('backend', deps());
    holdLock();
    const out = await reconcileRole('backend', deps()); // would wait up to 60 s for the lock
    expect(out.kind).toBe('converged');
    expect(out.result).toEqual({ written: 0, deleted: 0, backups: 0, sourceChanged: [] });
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).token).toBe('other-writer');
  });

  it('waits for the lock when there is something to write, and backs up a hand edit made meanwhile', async () => {
    await reconcileRole('backend', deps());
    put(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), skillMd('tdd', 'version two'));
    holdLock();
    const pending = reconcileRole('backend', deps());
    await sleep(120); // planned (an update of our copy, no backup needed) and now waiting for the lock
    put(join(roleDir, 'skills/tdd/SKILL.md'), 'typed by hand while hero-team waited\n');
    rmSync(lockFile());
    const out = await pending;
    expect(out.result!.backups).toBe(1);
    expect(readFileSync(join(out.result!.backupDir!, 'skills/tdd/SKILL.md'), 'utf8')).toBe(
      'typed by hand while hero-team waited\n',
    );
    expect(read('skills/tdd/SKILL.md')).toBe(readFileSync(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), 'utf8'));
  });

  it('never writes through a directory replaced by a symlink while it waited for the lock', async () => {
    await reconcileRole('backend', deps());
    put(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), skillMd('tdd', 'version two'));
    holdLock();
    const pending = reconcileRole('backend', deps());
    await sleep(120); // planned: update skills/tdd/SKILL.md (ours, unchanged)
    const outside = join(tree.root, 'outside-tdd');
    renameSync(join(roleDir, 'skills/tdd'), outside); // the same files, same size, mtime and mode
    symlinkSync(outside, join(roleDir, 'skills/tdd'));
    const before = readFileSync(join(outside, 'SKILL.md'), 'utf8');
    rmSync(lockFile());
    const out = await pending;
    expect(readFileSync(join(outside, 'SKILL.md'), 'utf8')).toBe(before);
    expect(out.plan!.drift.some((d) => d.path === 'skills/tdd/SKILL.md' && d.kind === 'conflict')).toBe(true);
  });

  it('plans again when another writer replaced the manifest while it waited for the lock', async () => {
    await reconcileRole('backend', deps());
    put(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), skillMd('tdd', 'version two'));
    holdLock();
    const pending = reconcileRole('backend', deps());
    await sleep(120);
    // The other writer removes git-helper's copy and its manifest entry (a whitelist of its own).
    rmSync(join(roleDir, 'skills/git-helper'), { recursive: true });
    const manifest = JSON.parse(read(MANIFEST_FILE));
    manifest.entries = manifest.entries.filter((e: { path: string }) => !e.path.startsWith('skills/git-helper/'));
    writeFileSync(join(roleDir, 'manifest.tmp'), JSON.stringify(manifest));
    renameSync(join(roleDir, 'manifest.tmp'), join(roleDir, MANIFEST_FILE));
    rmSync(lockFile());
    const out = await pending;
    // A plan made before the other write would have recorded git-helper as present and not restored it.
    expect(out.result!.written).toBe(2);
    expect(read('skills/git-helper/SKILL.md')).toBe(
      readFileSync(join(tree.paths.skillsDir, 'git-helper', 'SKILL.md'), 'utf8'),
    );
    const again = await reconcileRole('backend', deps());
    expect(again.result!.written).toBe(0);
  });
});

describe('reconcileRole: reusing observations (the daemon, roles tree watched in full)', () => {
  /** Deps with trusted observations, after a first convergence and the reconcile that looks again at what it wrote. */
  const watched = async () => {
    const observations = new RoleObservations();
    observations.watchedInFull();
    const d = { ...deps(), observations };
    await reconcileRole('backend', d);
    expect((await reconcileRole('backend', d)).result!.written).toBe(0);
    return d;
  };

  it('reuses what it saw where no event says otherwise; an event, or the resync dropping everything, makes it look again', async () => {
    const d = await watched();
    const ours = read('config.toml');
    put(join(roleDir, 'config.toml'), 'default_model = "hand"\n'); // its event has not been delivered yet
    expect((await reconcileRole('backend', d)).result!.written).toBe(0);
    d.observations.changed(roleDir, 'config.toml'); // now it has
    const out = await reconcileRole('backend', d);
    expect(out.result!.written).toBe(1);
    expect(read('config.toml')).toBe(ours);
    put(join(roleDir, 'mcp.json'), '{"hand": true}\n');
    d.observations.forgetAll();
    expect((await reconcileRole('backend', d)).result!.backups).toBe(1);
  });

  it('never overwrites on the word of a reused observation: a hand edit whose event is late is still backed up', async () => {
    const d = await watched();
    put(join(roleDir, 'skills/tdd/SKILL.md'), 'typed by hand\n'); // no event yet
    put(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), skillMd('tdd', 'version two')); // the registry copy changes
    const out = await reconcileRole('backend', d);
    expect(out.result!.backups).toBe(1);
    expect(readFileSync(join(out.result!.backupDir!, 'skills/tdd/SKILL.md'), 'utf8')).toBe('typed by hand\n');
    expect(read('skills/tdd/SKILL.md')).toContain('version two');
  });

  it('looks again at what it just wrote (the events of our own writes come later)', async () => {
    const d = await watched();
    put(join(tree.paths.skillsDir, 'tdd', 'SKILL.md'), skillMd('tdd', 'version two'));
    expect((await reconcileRole('backend', d)).result!.written).toBe(1);
    rmSync(join(roleDir, 'skills/tdd/SKILL.md')); // no event delivered for this either
    expect((await reconcileRole('backend', d)).result!.written).toBe(1);
  });
});

describe('reconcileRole: an untrusted manifest', () => {
  it('treats a manifest whose paths leave the role dir as corrupt: nothing outside is deleted', async () => {
    await reconcileRole('backend', deps());
    const outside = join(tree.root, 'victim.txt');
    writeFileSync(outside, 'keep me\n');
    const file = join(roleDir, MANIFEST_FILE);
    const m = JSON.parse(readFileSync(file, 'utf8'));
    m.entries.push({ path: '../../victim.txt', md5: 'x', size: 8, mode: 420, mtimeMs: 0 });
    writeFileSync(file, JSON.stringify(m));
    expect((await readManifest(roleDir)).state).toBe('corrupt');
    await reconcileRole('backend', deps());
    await setRoles([]);
    await reconcileRole('backend', deps());
    expect(readFileSync(outside, 'utf8')).toBe('keep me\n');
  });
});

describe('reconcileRole: symlinks in the role dir', () => {
  it('never writes or deletes through a symlinked skills/ directory', async () => {
    await reconcileRole('backend', deps());
    const elsewhere = join(tree.root, 'elsewhere');
    put(join(elsewhere, 'tdd', 'SKILL.md'), 'not ours\n');
    rmSync(join(roleDir, 'skills'), { recursive: true });
    symlinkSync(elsewhere, join(roleDir, 'skills'));
    const out = await reconcileRole('backend', deps());
    expect(out.plan!.drift.filter((d) => d.kind === 'conflict').map((d) => d.path)).toContain('skills/tdd/SKILL.md');
    expect(readFileSync(join(elsewhere, 'tdd', 'SKILL.md'), 'utf8')).toBe('not ours\n');
    await setRoles([]);
    await reconcileRole('backend', deps());
    expect(readFileSync(join(elsewhere, 'tdd', 'SKILL.md'), 'utf8')).toBe('not ours\n');
  });
});
