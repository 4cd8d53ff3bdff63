/** skill_list and skill_sync. */
import { z } from 'zod';
import { RoleNotFoundError } from '../../../errors.ts';
import { DigestCache } from '../../../observed/digest.ts';
import { scanRegistry } from '../../../observed/registry.ts';
import type { Skill } from '../../../observed/registry-types.ts';
import { readSkillMeta, type SkillMeta } from '../../../observed/skill-meta.ts';
import { CONVERGE_TIMEOUT, type Control } from '../../control.ts';
import { ConvergeOutcomeSchema, RoleName, RoleSkillSchema } from '../../schemas.ts';
import { getRoleStatus } from '../../status-document.ts';
import { defineMethod } from '../method.ts';

const RegistrySkill = z.object({
  name: z.string(),
  description: z.string().optional(),
  tags: z.array(z.string()).describe('SKILL.md frontmatter tags (or metadata.tags); empty for an invalid skill'),
  md5: z.string().optional(),
  files: z.number().int(),
  valid: z.boolean(),
  reason: z.string().optional(),
  roles: z.array(z.string()),
});

/**
 * What the whole-registry listing keeps between calls: digests, so unchanged files are not hashed again, and each
 * SKILL.md's frontmatter by its md5 (its tags and description follow from its bytes alone), so it is not read again.
 */
interface ListingCache {
  digests: DigestCache;
  meta: Map<string, SkillMeta>;
}
const listingCaches = new WeakMap<Control, ListingCache>();

/** SKILL.md files read at once for their frontmatter (file descriptors). */
const META_CONCURRENCY = 32;

/** The frontmatter of each valid skill, from `cache.meta` while its SKILL.md is unchanged; the cache keeps these. */
async function skillMetas(skills: readonly Skill[], cache: ListingCache): Promise<Map<string, SkillMeta>> {
  const out = new Map<string, SkillMeta>();
  const kept = new Map<string, SkillMeta>();
  const md5Of = (s: Skill) => s.files.find((f) => f.rel === 'SKILL.md')?.md5 ?? '';
  let next = 0;
  const worker = async () => {
    while (next < skills.length) {
      const skill = skills[next++]!;
      const key = md5Of(skill);
      let meta = cache.meta.get(key) ?? kept.get(key);
      if (!meta) meta = await readSkillMeta(skill);
      if (key) kept.set(key, meta);
      out.set(skill.name, meta);
    }
  };
  await Promise.all(Array.from({ length: Math.min(META_CONCURRENCY, skills.length) }, worker));
  cache.meta = kept;
  return out;
}

export const skill_list = defineMethod({
  summary: "A role's whitelisted skills (md5, last-synced md5, stale), or the whole registry",
  params: z.object({ role: RoleName.optional() }),
  result: z.object({
    registry: z.string(),
    exists: z.boolean(),
    role: z.string().optional(),
    skills: z.array(z.union([RoleSkillSchema, RegistrySkill])),
  }),
  errors: ['unknownRole'],
  examples: [
    {
      name: "backend's skills",
      params: { role: 'backend' },
      result: {
        registry: '/home/me/hero/code/hero_skills/skills',
        exists: true,
        role: 'backend',
        skills: [
          {
            name: 'tdd',
            md5: '5d41402abc4b2a76b9719d911017c592',
            lastSyncedMd5: '5d41402abc4b2a76b9719d911017c592',
            stale: false,
          },
        ],
      },
    },
    {
      name: 'the registry',
      params: {},
      result: {
        registry: '/home/me/hero/code/hero_skills/skills',
        exists: true,
        skills: [
          {
            name: 'tdd',
            description: 'test first',
            tags: ['testing'],
            md5: '5d41402abc4b2a76b9719d911017c592',
            files: 1,
            valid: true,
            roles: ['backend'],
          },
        ],
      },
    },
  ],
  handler: async ({ role }, { control }) => {
    const registry = control.paths.skillsDir;
    if (role !== undefined) {
      const status = control.store()?.roles.some((r) => r.name === role) ? getRoleStatus(control, role) : undefined;
      if (!status) throw new RoleNotFoundError(role);
      return { registry, exists: control.manager.sources.registry.index.exists, role, skills: status.skills };
    }
    let cache = listingCaches.get(control);
    if (!cache) listingCaches.set(control, (cache = { digests: new DigestCache(), meta: new Map() }));
    const index = await scanRegistry(registry, cache.digests);
    const metas = await skillMetas([...index.skills.values()], cache);
    const roles = control.store()?.roles ?? [];
    const names = [...new Set([...index.skills.keys(), ...index.invalid.keys()])].sort();
    const skills = names.map((name) => {
      const skill = index.skills.get(name);
      const invalid = index.invalid.get(name);
      const usedBy = roles.filter((r) => r.skills.includes(name)).map((r) => r.name);
      return {
        name,
        description: skill?.description,
        tags: metas.get(name)?.tags ?? [],
        md5: skill?.digest,
        files: skill?.files.length ?? 0,
        valid: !!skill,
        reason: invalid?.reason,
        roles: usedBy,
      };
    });
    return { registry, exists: index.exists, skills };
  },
});

export const skill_sync = defineMethod({
  summary: 'Re-scan the registry and converge the role (or every role) now; waits and returns each outcome',
  params: z.object({
    role: RoleName.optional(),
    timeoutMs: z.number().int().positive().max(CONVERGE_TIMEOUT.maxMs).optional(),
  }),
  result: z.object({ roles: z.array(ConvergeOutcomeSchema) }),
  errors: ['unknownRole', 'timeout'],
  examples: [
    {
      name: 'sync backend',
      params: { role: 'backend', timeoutMs: 30000 },
      result: {
        roles: [{ role: 'backend', outcome: 'converged', written: 0, deleted: 0, backups: 0, durationMs: 3.2 }],
      },
    },
  ],
  handler: async ({ role, timeoutMs }, { control }) => {
    const declared = (control.store()?.roles ?? []).map((r) => r.name);
    if (role !== undefined && !declared.includes(role)) throw new RoleNotFoundError(role);
    await control.manager.sources.scanRegistry();
    return { roles: await control.converge(role !== undefined ? [role] : declared, timeoutMs) };
  },
});
