import { describe, expect, it } from 'vitest';
import type { ObservedFile } from '../../src/observed/role-files.ts';
import { RoleObservations } from '../../src/observed/role-observations.ts';

const file = (path: string, mtimeMs = 1): ObservedFile => ({
  path,
  kind: 'file',
  md5: 'x',
  size: 1,
  mode: 0o644,
  mtimeMs,
});
const seen = (...paths: string[]) => new Map(paths.map((p) => [p, file(p)]));

describe('RoleObservations', () => {
  it('reuses nothing until the roles tree is watched in full', () => {
    const o = new RoleObservations();
    expect(o.prior('/r/a')).toBeUndefined();
    o.watchedInFull();
    const first = o.prior('/r/a')!;
    expect(first.get('config.toml')).toBeUndefined();
    o.record('/r/a', seen('config.toml', 'skills/x/SKILL.md'), first);
    expect(o.prior('/r/a')!.get('config.toml')).toEqual(file('config.toml'));
    expect(o.prior('/r/b')!.get('config.toml')).toBeUndefined();
  });

  it('an event on a path, on a directory above it, or on the role dir itself makes it stale', () => {
    const o = new RoleObservations();
    o.watchedInFull();
    o.record('/r/a', seen('config.toml', 'mcp.json', 'skills/x/scripts/run.sh', 'skills/y/SKILL.md'), o.prior('/r/a')!);
    o.changed('/r/a', 'config.toml');
    o.changed('/r/a', 'skills/x');
    const p = o.prior('/r/a')!;
    expect(p.get('config.toml')).toBeUndefined();
    expect(p.get('skills/x/scripts/run.sh')).toBeUndefined();
    expect(p.get('skills/y/SKILL.md')).toBeDefined();
    expect(p.get('mcp.json')).toBeDefined();
    o.changed('/r/a', '');
    expect(o.prior('/r/a')!.get('mcp.json')).toBeUndefined();
  });

  it('keeps events that arrive while a reconcile observes, and marks what apply wrote', () => {
    const o = new RoleObservations();
    o.watchedInFull();
    const p = o.prior('/r/a')!; // a first reconcile starts observing
    o.changed('/r/a', 'config.toml'); // an edit lands after it looked at config.toml
    o.record('/r/a', seen('config.toml', 'mcp.json'), p);
    expect(o.prior('/r/a')!.get('config.toml')).toBeUndefined();
    expect(o.prior('/r/a')!.get('mcp.json')).toBeDefined();
    const q = o.prior('/r/a')!;
    o.record('/r/a', seen('config.toml', 'mcp.json'), q);
    o.wrote('/r/a', ['mcp.json']);
    expect(o.prior('/r/a')!.get('mcp.json')).toBeUndefined();
    expect(o.prior('/r/a')!.get('config.toml')).toBeDefined();
  });

  it('forgetAll (the resync) drops everything, including what a reconcile begun before it would record', () => {
    const o = new RoleObservations();
    o.watchedInFull();
    o.record('/r/a', seen('config.toml'), o.prior('/r/a')!);
    const inFlight = o.prior('/r/b')!;
    o.forgetAll();
    o.record('/r/b', seen('config.toml'), inFlight);
    expect(o.prior('/r/a')!.get('config.toml')).toBeUndefined();
    expect(o.prior('/r/b')!.get('config.toml')).toBeUndefined();
  });

  it('a failed watch turns reuse off for good', () => {
    const o = new RoleObservations();
    o.watchedInFull();
    o.record('/r/a', seen('config.toml'), o.prior('/r/a')!);
    o.watchesIncomplete();
    expect(o.trustEvents).toBe(false);
    expect(o.prior('/r/a')).toBeUndefined();
    o.watchedInFull();
    expect(o.prior('/r/a')).toBeUndefined();
  });
});
