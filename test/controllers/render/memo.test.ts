/** The render memo: the same inputs give the same DesiredRole object; any changed input renders again. */
import { describe, expect, it } from 'vitest';
import { RenderMemo } from '../../../src/controllers/render/memo.ts';
import type { RenderRoleInput } from '../../../src/controllers/render/role.ts';
import { builtinCatalog } from '../../../src/desired/catalog-defaults.ts';
import { RoleSpecSchema } from '../../../src/desired/schema.ts';
import type { RegistryIndex, Skill } from '../../../src/observed/registry-types.ts';

const skill = (name: string, md5: string): Skill => ({
  name,
  kind: 'dir',
  source: `/reg/${name}`,
  digest: md5,
  files: [
    { rel: 'SKILL.md', abs: `/reg/${name}/SKILL.md`, size: 10, mtimeMs: 1, ino: 1, ctimeMs: 1, mode: 0o644, md5 },
  ],
});

function inputs() {
  const role = RoleSpecSchema.parse({ name: 'dev', model: 'kimi-code/kimi-for-coding', skills: ['pdf'] });
  const index: RegistryIndex = {
    root: '/reg',
    exists: true,
    skills: new Map([['pdf', skill('pdf', 'a'.repeat(32))]]),
    invalid: new Map(),
  };
  const catalog = builtinCatalog();
  const input: RenderRoleInput = {
    role,
    catalog,
    rolesDir: '/roles',
    index,
    services: {},
    secrets: { KIMI_API_KEY: 'k1' },
  };
  return { input, catalog };
}

describe('RenderMemo', () => {
  it('reuses the render while every input is the same object or value', () => {
    const { input, catalog } = inputs();
    const memo = new RenderMemo();
    const first = memo.render(input, catalog);
    expect(memo.render({ ...input, secrets: { KIMI_API_KEY: 'k1' } }, catalog)).toBe(first);
    expect(memo.hits).toBe(1);
  });

  it('renders again for a changed skill, secret, spec, catalog or services', () => {
    const { input, catalog } = inputs();
    const memo = new RenderMemo();
    const first = memo.render(input, catalog);
    const skills = new Map([['pdf', skill('pdf', 'b'.repeat(32))]]);
    const changedSkill = memo.render({ ...input, index: { ...input.index, skills } }, catalog);
    expect(changedSkill).not.toBe(first);
    expect(changedSkill.files.find((f) => f.path === 'skills/pdf/SKILL.md')!.md5).toBe('b'.repeat(32));
    expect(
      memo.render({ ...input, index: { ...input.index, skills }, secrets: { KIMI_API_KEY: 'k2' } }, catalog).revision,
    ).not.toBe(changedSkill.revision);
    expect(memo.render({ ...input, role: { ...input.role } }, catalog)).not.toBe(first);
    expect(memo.render(input, builtinCatalog())).not.toBe(first);
    expect(memo.render({ ...input, services: {} }, catalog)).not.toBe(first);
    expect(memo.hits).toBe(0);
  });

  it('forgets a deleted role', () => {
    const { input, catalog } = inputs();
    const memo = new RenderMemo();
    const first = memo.render(input, catalog);
    memo.forget('dev');
    expect(memo.render(input, catalog)).not.toBe(first);
  });
});
