import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DesiredFile, DesiredRole } from '../../src/controllers/artifacts.ts';
import { type PlanInput, planRole } from '../../src/controllers/plan.ts';
import type { Manifest, ManifestEntry, ObservedFile } from '../../src/observed/role-files.ts';

const DIR = '/roles/backend';
const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** A desired file with inline bytes. */
function desiredFile(path: string, text: string, mode = 0o644): DesiredFile {
  const bytes = Buffer.from(text);
  return { path, md5: md5(text), size: bytes.length, mode, source: { kind: 'bytes', bytes } };
}

function desiredRole(files: DesiredFile[], extra: Partial<DesiredRole> = {}): DesiredRole {
  return {
    role: 'backend',
    dir: DIR,
    files,
    keepPrefixes: [],
    revision: 'rev-2',
    missingSecrets: [],
    missingRequiredSecrets: [],
    missingSkills: [],
    invalidSkills: [],
    missingServices: [],
    ...extra,
  };
}

/** A manifest entry recording that we wrote `text` at `path`. */
function entry(path: string, text: string, mode = 0o644, mtimeMs = 1000): ManifestEntry {
  return { path, md5: md5(text), size: Buffer.byteLength(text), mode, mtimeMs };
}

function manifest(entries: ManifestEntry[], revision = 'rev-1'): Manifest {
  return { version: 1, role: 'backend', revision, entries };
}

/** A regular file on disk holding `text`. */
function onDisk(path: string, text: string, mode = 0o644, mtimeMs = 5000): ObservedFile {
  return { path, kind: 'file', md5: md5(text), size: Buffer.byteLength(text), mode, mtimeMs };
}

function observed(...files: ObservedFile[]): Map<string, ObservedFile> {
  return new Map(files.map((f) => [f.path, f]));
}

function plan(input: Partial<PlanInput>) {
  return planRole({
    role: 'backend',
    dir: DIR,
    desired: null,
    manifest: null,
    observed: new Map(),
    driftPolicy: 'revert',
    ...input,
  });
}

describe('planRole: desired files', () => {
  it('creates a file that is neither on disk nor in the manifest, with mtime 0 until apply', () => {
    const p = plan({ desired: desiredRole([desiredFile('config.toml', 'a', 0o600)]) });
    expect(p.writes).toHaveLength(1);
    expect(p.writes[0]).toMatchObject({ reason: 'create', backup: null });
    expect(p.writes[0]!.file.path).toBe('config.toml');
    expect(p.deletes).toEqual([]);
    expect(p.drift).toEqual([]);
    expect(p.manifest).toEqual(
      manifest([{ path: 'config.toml', md5: md5('a'), size: 1, mode: 0o600, mtimeMs: 0 }], 'rev-2'),
    );
    expect(p.manifestChanged).toBe(true);
  });

  it('restores a file we wrote that was deleted from disk, without backup', () => {
    const p = plan({
      desired: desiredRole([desiredFile('mcp.json', 'x')]),
      manifest: manifest([entry('mcp.json', 'x')]),
    });
    expect(p.writes.map((w) => [w.file.path, w.reason, w.backup])).toEqual([['mcp.json', 'restore', null]]);
    expect(p.drift).toEqual([]);
  });

  it('leaves an unchanged file alone and keeps its observed mtime in the manifest', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'same', 0o600)]),
      manifest: manifest([entry('config.toml', 'same', 0o600, 1000)], 'rev-2'),
      observed: observed(onDisk('config.toml', 'same', 0o600, 7777)),
    });
    expect(p.writes).toEqual([]);
    expect(p.deletes).toEqual([]);
    expect(p.unchanged).toBe(1);
    expect(p.manifest!.entries).toEqual([
      { path: 'config.toml', md5: md5('same'), size: 4, mode: 0o600, mtimeMs: 7777 },
    ]);
  });

  it('reports manifestChanged false when disk, manifest and desired agree', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'same', 0o600)]),
      manifest: manifest([entry('config.toml', 'same', 0o600, 1000)], 'rev-2'),
      observed: observed(onDisk('config.toml', 'same', 0o600, 1000)),
    });
    expect(p.writes).toEqual([]);
    expect(p.manifestChanged).toBe(false);
  });

  it('marks the manifest changed when only the revision differs', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'same', 0o600)]),
      manifest: manifest([entry('config.toml', 'same', 0o600, 1000)], 'rev-old'),
      observed: observed(onDisk('config.toml', 'same', 0o600, 1000)),
    });
    expect(p.writes).toEqual([]);
    expect(p.manifestChanged).toBe(true);
  });

  it('updates our unmodified file without a backup', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'new', 0o600)]),
      manifest: manifest([entry('config.toml', 'old', 0o600)]),
      observed: observed(onDisk('config.toml', 'old', 0o600)),
    });
    expect(p.writes).toHaveLength(1);
    expect(p.writes[0]).toMatchObject({ reason: 'update', backup: null });
    expect(p.drift).toEqual([]);
    expect(p.manifest!.entries[0]).toMatchObject({ md5: md5('new'), mtimeMs: 0 });
  });

  it('reverts a hand edit of our file with a "modified" backup naming both md5s', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'ours', 0o600)]),
      manifest: manifest([entry('config.toml', 'ours', 0o600)]),
      observed: observed(onDisk('config.toml', 'hand edit', 0o600)),
      driftPolicy: 'revert',
    });
    expect(p.writes).toHaveLength(1);
    expect(p.writes[0]!.reason).toBe('revert');
    expect(p.writes[0]!.backup).toEqual({ reason: 'modified', md5: md5('hand edit'), expectedMd5: md5('ours') });
    expect(p.drift).toEqual([{ path: 'config.toml', kind: 'modified', action: 'reverted' }]);
    expect(p.manifest!.entries[0]!.md5).toBe(md5('ours'));
  });

  it('under report policy leaves a hand edit alone and keeps the old manifest entry', () => {
    const old = entry('config.toml', 'ours-v1', 0o600, 1234);
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'ours-v2', 0o600)]),
      manifest: manifest([old]),
      observed: observed(onDisk('config.toml', 'hand edit', 0o600)),
      driftPolicy: 'report',
    });
    expect(p.writes).toEqual([]);
    expect(p.deletes).toEqual([]);
    expect(p.drift).toEqual([{ path: 'config.toml', kind: 'modified', action: 'reported' }]);
    expect(p.manifest!.entries).toEqual([old]);
  });

  it('adopts a foreign file in the way (no manifest entry) after a "foreign" backup', () => {
    const p = plan({
      desired: desiredRole([desiredFile('mcp.json', '{}\n', 0o600)]),
      observed: observed(onDisk('mcp.json', '{"user":1}', 0o644)),
    });
    expect(p.writes).toHaveLength(1);
    expect(p.writes[0]!.reason).toBe('adopt');
    expect(p.writes[0]!.backup).toEqual({ reason: 'foreign', md5: md5('{"user":1}') });
    expect(p.drift).toEqual([{ path: 'mcp.json', kind: 'foreign', action: 'reverted' }]);
    expect(p.manifest!.entries.map((e) => e.path)).toEqual(['mcp.json']);
  });

  it('reports a foreign file under report policy and does not claim it in the manifest', () => {
    const p = plan({
      desired: desiredRole([desiredFile('mcp.json', '{}\n', 0o600)]),
      observed: observed(onDisk('mcp.json', '{"user":1}', 0o600)),
      driftPolicy: 'report',
    });
    expect(p.writes).toEqual([]);
    expect(p.drift).toEqual([{ path: 'mcp.json', kind: 'foreign', action: 'reported' }]);
    expect(p.manifest!.entries).toEqual([]);
  });

  it("takes over an identical pre-existing file only after backing it up: the bytes are still the user's", () => {
    const p = plan({
      desired: desiredRole([desiredFile('skills/a/SKILL.md', 'skill', 0o644)]),
      observed: observed(onDisk('skills/a/SKILL.md', 'skill', 0o644, 4242)),
    });
    expect(p.writes.map((w) => [w.file.path, w.reason, w.backup])).toEqual([
      ['skills/a/SKILL.md', 'adopt', { reason: 'foreign', md5: md5('skill') }],
    ]);
    expect(p.drift).toEqual([]);
    expect(p.manifest!.entries).toEqual([
      { path: 'skills/a/SKILL.md', md5: md5('skill'), size: 5, mode: 0o644, mtimeMs: 0 },
    ]);
    expect(p.manifestChanged).toBe(true);
  });

  it('rewrites a file whose only difference is its mode, without a backup', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'same', 0o600)]),
      manifest: manifest([entry('config.toml', 'same', 0o600)]),
      observed: observed(onDisk('config.toml', 'same', 0o644)),
    });
    expect(p.writes).toHaveLength(1);
    expect(p.writes[0]).toMatchObject({ reason: 'mode', backup: null });
    expect(p.drift).toEqual([]);
    expect(p.unchanged).toBe(0);
  });

  it('reports a directory in the way as a conflict and writes nothing there', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'x', 0o600)]),
      observed: observed({ path: 'config.toml', kind: 'other' }),
    });
    expect(p.writes).toEqual([]);
    expect(p.deletes).toEqual([]);
    expect(p.drift).toEqual([{ path: 'config.toml', kind: 'conflict', action: 'reported' }]);
    expect(p.manifest!.entries).toEqual([]);
  });

  it('keeps the previous manifest entry of a path now blocked by a directory', () => {
    const prev = entry('config.toml', 'x', 0o600);
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'y', 0o600)]),
      manifest: manifest([prev]),
      observed: observed({ path: 'config.toml', kind: 'other' }),
    });
    expect(p.writes).toEqual([]);
    expect(p.manifest!.entries).toEqual([prev]);
  });

  it('sorts manifest entries by path regardless of desired order', () => {
    const p = plan({
      desired: desiredRole([
        desiredFile('skills/z/SKILL.md', 'z'),
        desiredFile('config.toml', 'c'),
        desiredFile('mcp.json', 'm'),
      ]),
    });
    expect(p.manifest!.entries.map((e) => e.path)).toEqual(['config.toml', 'mcp.json', 'skills/z/SKILL.md']);
  });
});

describe('planRole: pruning', () => {
  const desiredBase = () => desiredRole([desiredFile('config.toml', 'c', 0o600)]);
  const baseEntry = () => entry('config.toml', 'c', 0o600, 5000);
  const baseDisk = () => onDisk('config.toml', 'c', 0o600, 5000);

  it('deletes an unmodified file that is no longer desired, without backup', () => {
    const p = plan({
      desired: desiredBase(),
      manifest: manifest([baseEntry(), entry('skills/old/SKILL.md', 'old')]),
      observed: observed(baseDisk(), onDisk('skills/old/SKILL.md', 'old')),
    });
    expect(p.deletes).toEqual([{ path: 'skills/old/SKILL.md', backup: null }]);
    expect(p.drift).toEqual([]);
    expect(p.manifest!.entries.map((e) => e.path)).toEqual(['config.toml']);
    expect(p.manifestChanged).toBe(true);
  });

  it('backs up and deletes a hand-edited file that is no longer desired under revert', () => {
    const p = plan({
      desired: desiredBase(),
      manifest: manifest([baseEntry(), entry('skills/old/SKILL.md', 'old')]),
      observed: observed(baseDisk(), onDisk('skills/old/SKILL.md', 'old + my notes')),
      driftPolicy: 'revert',
    });
    expect(p.deletes).toEqual([
      {
        path: 'skills/old/SKILL.md',
        backup: { reason: 'modified', md5: md5('old + my notes'), expectedMd5: md5('old') },
      },
    ]);
    expect(p.drift).toEqual([{ path: 'skills/old/SKILL.md', kind: 'modified', action: 'reverted' }]);
  });

  it('leaves a hand-edited file that is no longer desired alone under report, and forgets it', () => {
    const p = plan({
      desired: desiredBase(),
      manifest: manifest([baseEntry(), entry('skills/old/SKILL.md', 'old')]),
      observed: observed(baseDisk(), onDisk('skills/old/SKILL.md', 'old + my notes')),
      driftPolicy: 'report',
    });
    expect(p.deletes).toEqual([]);
    expect(p.drift).toEqual([{ path: 'skills/old/SKILL.md', kind: 'modified', action: 'reported' }]);
    expect(p.manifest!.entries.map((e) => e.path)).toEqual(['config.toml']);
  });

  it('drops a manifest entry whose file is already gone, without deleting anything', () => {
    const p = plan({
      desired: desiredBase(),
      manifest: manifest([baseEntry(), entry('skills/old/SKILL.md', 'old')]),
      observed: observed(baseDisk()),
    });
    expect(p.deletes).toEqual([]);
    expect(p.manifest!.entries.map((e) => e.path)).toEqual(['config.toml']);
  });

  it('never deletes a path that is not in the manifest, even if it is on disk', () => {
    const p = plan({
      desired: desiredBase(),
      manifest: manifest([baseEntry()]),
      observed: observed(baseDisk(), onDisk('notes.txt', 'mine')),
    });
    expect(p.deletes).toEqual([]);
  });

  it('keeps manifest entries under keepPrefixes (invalid skill) untouched, even if edited on disk', () => {
    const kept = [
      entry('skills/broken/SKILL.md', 'good copy', 0o644, 11),
      entry('skills/broken/run.sh', 'echo', 0o755, 12),
    ];
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'c', 0o600)], {
        keepPrefixes: ['skills/broken/'],
        invalidSkills: ['broken'],
      }),
      manifest: manifest([baseEntry(), ...kept]),
      observed: observed(
        baseDisk(),
        onDisk('skills/broken/SKILL.md', 'edited'),
        onDisk('skills/broken/run.sh', 'echo', 0o755, 12),
      ),
    });
    expect(p.deletes).toEqual([]);
    expect(p.writes).toEqual([]);
    expect(p.drift).toEqual([]);
    expect(p.manifest!.entries.filter((e) => e.path.startsWith('skills/broken/'))).toEqual(kept);
  });

  it('does not treat a prefix of another skill name as kept (skills/ab/ is not kept by skills/a/)', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'c', 0o600)], { keepPrefixes: ['skills/a/'] }),
      manifest: manifest([baseEntry(), entry('skills/ab/SKILL.md', 'ab')]),
      observed: observed(baseDisk(), onDisk('skills/ab/SKILL.md', 'ab')),
    });
    expect(p.deletes.map((d) => d.path)).toEqual(['skills/ab/SKILL.md']);
  });

  it('for a deleted role (desired=null) deletes everything in the manifest and sets manifest=null', () => {
    const p = plan({
      desired: null,
      manifest: manifest([
        entry('config.toml', 'c', 0o600),
        entry('mcp.json', 'm', 0o600),
        entry('skills/a/SKILL.md', 'a'),
      ]),
      observed: observed(
        onDisk('config.toml', 'c', 0o600),
        onDisk('mcp.json', 'm', 0o600),
        onDisk('skills/a/SKILL.md', 'a'),
      ),
    });
    expect(p.writes).toEqual([]);
    expect(p.deletes.map((d) => d.path).sort()).toEqual(['config.toml', 'mcp.json', 'skills/a/SKILL.md']);
    expect(p.deletes.every((d) => d.backup === null)).toBe(true);
    expect(p.manifest).toBeNull();
    expect(p.manifestChanged).toBe(true);
  });

  it('for a role that is gone with no manifest there is nothing to do', () => {
    const p = plan({ desired: null, manifest: null });
    expect(p.writes).toEqual([]);
    expect(p.deletes).toEqual([]);
    expect(p.manifest).toBeNull();
    expect(p.manifestChanged).toBe(false);
  });
});

describe('planRole: strays', () => {
  it('reports every stray entry of skills/ as drift without deleting it', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'c', 0o600)]),
      strays: ['skills/README.md', 'skills/mine'],
    });
    expect(p.drift).toEqual([
      { path: 'skills/README.md', kind: 'stray', action: 'reported' },
      { path: 'skills/mine', kind: 'stray', action: 'reported' },
    ]);
    expect(p.deletes).toEqual([]);
  });
});

describe('planRole: write intent left by an interrupted apply', () => {
  const pending = (path: string, recorded: string, announced: string): ManifestEntry => ({
    ...entry(path, recorded),
    pendingMd5: md5(announced),
  });

  it('treats bytes an interrupted apply announced as ours: update without backup', () => {
    const p = plan({
      desired: desiredRole([desiredFile('config.toml', 'C')]),
      manifest: manifest([pending('config.toml', 'A', 'B')]),
      observed: observed(onDisk('config.toml', 'B')),
    });
    expect(p.writes.map((w) => [w.reason, w.backup])).toEqual([['update', null]]);
    expect(p.drift).toEqual([]);
  });

  it('prunes announced bytes without backup, but still backs up bytes nobody announced', () => {
    const p = plan({
      desired: desiredRole([]),
      manifest: manifest([pending('skills/a/SKILL.md', 'A', 'B'), pending('skills/b/SKILL.md', 'A', 'B')]),
      observed: observed(onDisk('skills/a/SKILL.md', 'B'), onDisk('skills/b/SKILL.md', 'hand edit')),
    });
    expect(p.deletes.map((d) => [d.path, d.backup?.reason ?? null])).toEqual([
      ['skills/a/SKILL.md', null],
      ['skills/b/SKILL.md', 'modified'],
    ]);
  });
});

describe('planRole: what the write intent must carry', () => {
  it('marks the on-disk md5 of our bytes on update and mode writes, and nothing on create or revert', () => {
    const p = plan({
      desired: desiredRole([
        desiredFile('a', 'new'),
        desiredFile('b', 'same', 0o600),
        desiredFile('c', 'c'),
        desiredFile('d', 'mine'),
      ]),
      manifest: manifest([{ ...entry('a', 'old'), pendingMd5: md5('older') }, entry('b', 'same'), entry('d', 'ours')]),
      observed: observed(onDisk('a', 'older'), onDisk('b', 'same', 0o644), onDisk('d', 'hand edit')),
    });
    const byPath = Object.fromEntries(p.writes.map((w) => [w.file.path, [w.reason, w.ours]]));
    expect(byPath).toEqual({
      a: ['update', md5('older')],
      b: ['mode', md5('same')],
      c: ['create', undefined],
      d: ['revert', undefined],
    });
  });
});
