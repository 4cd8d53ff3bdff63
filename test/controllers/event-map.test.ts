/** Pure mapping of watcher paths to targets. */
import { describe, expect, it } from 'vitest';
import { type EventRoots, mapEventPath } from '../../src/controllers/event-map.ts';
import { RoleSpecSchema } from '../../src/desired/schema.ts';
import { rolesUsingService, rolesUsingSkill, specKey } from '../../src/desired/skill-index.ts';

const roots: EventRoots = {
  skillsDir: '/reg',
  rolesDir: '/roles',
  storeFile: '/home/store.json',
  servicesFile: '/home/services.json',
  secretsFile: '/home/secrets.env',
};

describe('mapEventPath', () => {
  it.each([
    ['/reg/tdd/SKILL.md', { kind: 'skill', skill: 'tdd' }],
    ['/reg/tdd/scripts/deep/x.sh', { kind: 'skill', skill: 'tdd' }],
    ['/reg/tdd', { kind: 'skill', skill: 'tdd' }],
    ['/reg/flat.md', { kind: 'skill', skill: 'flat' }],
    ['/reg/Flat.MD', { kind: 'skill', skill: 'Flat' }],
    ['/reg/notes.md/inner.txt', { kind: 'skill', skill: 'notes.md' }],
    ['/reg/.git/index', { kind: 'none' }],
    ['/reg', { kind: 'none' }],
    ['/roles/backend/config.toml', { kind: 'role', role: 'backend', path: 'config.toml' }],
    ['/roles/backend/skills/tdd/SKILL.md', { kind: 'role', role: 'backend', path: 'skills/tdd/SKILL.md' }],
    ['/roles/backend', { kind: 'role', role: 'backend', path: '' }],
    ['/roles/Not_A_Role/x', { kind: 'none' }],
    ['/home/store.json', { kind: 'store' }],
    ['/home/services.json', { kind: 'services' }],
    ['/home/secrets.env', { kind: 'secrets' }],
    ['/home/other.json', { kind: 'none' }],
    ['/elsewhere/file', { kind: 'none' }],
  ])('%s → %j', (path, target) => {
    expect(mapEventPath(roots, path)).toEqual(target);
  });
});

describe('skill and service index', () => {
  const roles = [
    RoleSpecSchema.parse({ name: 'a', model: 'm', skills: ['tdd', 'git'], mcp: ['github'] }),
    RoleSpecSchema.parse({ name: 'b', model: 'm', skills: ['git'], mcp: ['*'] }),
    RoleSpecSchema.parse({ name: 'c', model: 'm' }),
  ];

  it('finds every role whitelisting a skill, and only those', () => {
    expect(rolesUsingSkill(roles, 'git')).toEqual(['a', 'b']);
    expect(rolesUsingSkill(roles, 'tdd')).toEqual(['a']);
    expect(rolesUsingSkill(roles, 'nope')).toEqual([]);
  });

  it('treats * as every service', () => {
    expect(rolesUsingService(roles, 'github')).toEqual(['a', 'b']);
    expect(rolesUsingService(roles, 'jira')).toEqual(['b']);
  });

  it('changes the spec key when the spec or the catalog changes, and marks deletion', () => {
    const k = specKey(roles[0], 'cat1');
    expect(specKey(roles[0], 'cat1')).toBe(k);
    expect(specKey({ ...roles[0]!, thinking: false }, 'cat1')).not.toBe(k);
    expect(specKey(roles[0], 'cat2')).not.toBe(k);
    expect(specKey(undefined, 'cat1')).toBe('deleted');
  });
});
