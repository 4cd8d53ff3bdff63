import { describe, expect, it } from 'vitest';
import { DigestCache } from '../../src/observed/digest.ts';
import type { RegistryState } from '../../src/observed/registry-types.ts';
import type { ObservedFile } from '../../src/observed/role-files.ts';
import { RoleObservations } from '../../src/observed/role-observations.ts';
import { ScanFreshness } from '../../src/observed/scan-freshness.ts';
import { ObservedSnapshot } from '../../src/observed/snapshot.ts';

const file = (path: string): ObservedFile => ({ path, kind: 'file', md5: 'x', size: 1, mode: 0o644, mtimeMs: 1 });

/** A snapshot whose registry and role observations are trusted and hold `alpha`, `flat` and role `a`'s files. */
function snapshot(): ObservedSnapshot {
  let t = 0;
  const freshness = new ScanFreshness(1000, () => ++t);
  const registry: RegistryState = {
    index: { root: '/reg', exists: true, skills: new Map(), invalid: new Map() },
    cache: new DigestCache(),
    freshness,
  };
  const roles = new RoleObservations(() => ++t);
  freshness.watchedInFull();
  roles.watchedInFull();
  freshness.record(['alpha', 'flat', 'beta'], freshness.begin());
  roles.record(
    '/roles/a',
    new Map(['config.toml', 'skills/alpha/SKILL.md'].map((p) => [p, file(p)])),
    roles.prior('/roles/a')!,
  );
  return new ObservedSnapshot({ skillsDir: '/reg', rolesDir: '/roles' }, registry, roles);
}

describe('ObservedSnapshot', () => {
  it('invalidate(path) of a registry file makes only its skill rescanned (a flat <name>.md included)', () => {
    const s = snapshot();
    s.invalidate('/reg/alpha/scripts/run.sh');
    s.invalidate('/reg/flat.md');
    expect(s.registry.freshness.isFresh('alpha')).toBe(false);
    expect(s.registry.freshness.isFresh('flat')).toBe(false);
    expect(s.registry.freshness.isFresh('beta')).toBe(true);
    expect(s.roles.prior('/roles/a')!.get('config.toml')).toBeDefined();
  });

  it('invalidate(path) in a role directory makes that path, or the whole role for its directory, observed again', () => {
    const s = snapshot();
    s.invalidate('/roles/a/config.toml');
    expect(s.roles.prior('/roles/a')!.get('config.toml')).toBeUndefined();
    expect(s.roles.prior('/roles/a')!.get('skills/alpha/SKILL.md')).toBeDefined();
    s.invalidate('/roles/a');
    expect(s.roles.prior('/roles/a')!.get('skills/alpha/SKILL.md')).toBeUndefined();
    expect(s.registry.freshness.isFresh('alpha')).toBe(true);
  });

  it('invalidate of the registry root, and invalidateAll, reuse no scan; invalidateAll no observation either', () => {
    const s = snapshot();
    s.invalidate('/reg');
    expect(s.registry.freshness.isFresh('beta')).toBe(false);
    expect(s.roles.prior('/roles/a')!.get('config.toml')).toBeDefined();
    const t = snapshot();
    t.invalidateAll();
    expect(t.registry.freshness.isFresh('alpha')).toBe(false);
    expect(t.roles.prior('/roles/a')!.get('config.toml')).toBeUndefined();
  });

  it('ignores paths outside both trees', () => {
    const s = snapshot();
    s.invalidate('/elsewhere/x');
    s.invalidate('/reg/.git/index');
    expect(s.registry.freshness.isFresh('alpha')).toBe(true);
    expect(s.roles.prior('/roles/a')!.get('config.toml')).toBeDefined();
  });
});
