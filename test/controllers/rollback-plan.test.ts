/** planRollback (pure): originals back, our unchanged files deleted, user changes and unsafe paths left alone. */
import { describe, expect, it } from 'vitest';
import { type OriginalCopy, planRollback, summarizeRollback } from '../../src/controllers/rollback/plan.ts';
import type { BackupEntry } from '../../src/observed/backup-index.ts';
import type { Manifest } from '../../src/observed/role-files.ts';
import type { PathState } from '../../src/observed/role-path.ts';

const manifest = (paths: Record<string, string>): Manifest => ({
  version: 1,
  role: 'r',
  revision: 'x',
  entries: Object.entries(paths).map(([path, md5]) => ({ path, md5, size: 1, mode: 0o600, mtimeMs: 1 })),
});
const backup = (path: string, md5: string, id = '20260101T000000.000Z-000'): BackupEntry => ({
  id,
  role: 'r',
  path,
  reason: 'foreign',
  md5,
  at: '2026-01-01T00:00:00.000Z',
  file: `/b/${id}/${path}`,
});
const file = (md5: string): PathState => ({ kind: 'file', md5, size: 1, mode: 0o600 });

describe('planRollback', () => {
  it('decides each path from what is on disk and whether it has an original', () => {
    const originals = new Map<string, OriginalCopy>([
      ['config.toml', { entry: backup('config.toml', 'orig'), verified: true }],
      ['mcp.json', { entry: backup('mcp.json', 'orig2'), verified: true }],
      ['edited.toml', { entry: backup('edited.toml', 'orig3'), verified: true }],
      ['bad.txt', { entry: backup('bad.txt', 'orig4'), verified: false }],
      ['gone.txt', { entry: backup('gone.txt', 'orig5'), verified: true }],
      ['pruned.txt', { entry: backup('pruned.txt', 'orig6'), verified: true }],
    ]);
    const m = manifest({
      'config.toml': 'ours',
      'mcp.json': 'ours',
      'edited.toml': 'ours',
      'bad.txt': 'ours',
      'gone.txt': 'ours',
      'skills/a/SKILL.md': 'ours',
      'skills/b/SKILL.md': 'ours',
      'skills/c/SKILL.md': 'ours',
      'link/x': 'ours',
      dir: 'ours',
    });
    const observed = new Map<string, PathState>([
      ['config.toml', file('ours')],
      ['mcp.json', file('orig2')],
      ['edited.toml', file('user')],
      ['bad.txt', file('ours')],
      ['gone.txt', { kind: 'missing' }],
      ['skills/a/SKILL.md', file('ours')],
      ['skills/b/SKILL.md', file('user')],
      ['skills/c/SKILL.md', { kind: 'missing' }],
      ['link/x', { kind: 'unsafe', reason: 'link is a symlink' }],
      ['dir', { kind: 'other' }],
    ]);
    const plan = planRollback({ manifest: m, observed, originals });
    const kinds = Object.fromEntries(plan.actions.map((a) => [a.path, a.kind]));
    expect(kinds).toEqual({
      'config.toml': 'restore',
      'mcp.json': 'none',
      'edited.toml': 'skip',
      'bad.txt': 'skip',
      'gone.txt': 'restore',
      'skills/a/SKILL.md': 'delete',
      'skills/b/SKILL.md': 'skip',
      'skills/c/SKILL.md': 'none',
      'link/x': 'refuse',
      dir: 'skip',
    });
    expect(plan.unlisted.map((u) => u.path)).toEqual(['pruned.txt']);
    expect(summarizeRollback(plan)).toEqual({ restore: 2, delete: 1, none: 2, skip: 4, refuse: 1 });
  });

  it('treats bytes of an interrupted write (pendingMd5) as ours', () => {
    const m = manifest({ 'a.txt': 'old' });
    m.entries[0]!.pendingMd5 = 'new';
    const plan = planRollback({ manifest: m, observed: new Map([['a.txt', file('new')]]), originals: new Map() });
    expect(plan.actions[0]).toMatchObject({ kind: 'delete', md5: 'new' });
  });
});
