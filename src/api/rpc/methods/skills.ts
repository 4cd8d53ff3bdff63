/** skill_list and skill_sync. */
import { z } from 'zod';
import { RoleNotFoundError } from '../../../errors.ts';
import { DigestCache } from '../../../observed/digest.ts';
import { scanRegistry } from '../../../observed/registry.ts';
import { CONVERGE_TIMEOUT, type Control } from '../../control.ts';
import { ConvergeOutcomeSchema, RoleName, RoleSkillSchema } from '../../schemas.ts';
import { getRoleStatus } from '../../status-document.ts';
import { defineMethod } from '../method.ts';

const RegistrySkill = z.object({
  name: z.string(),
  description: z.string().optional(),
  md5: z.string().optional(),
  files: z.number().int(),
  valid: z.boolean(),
  reason: z.string().optional(),
  roles: z.array(z.string()),
});

/** Digests of the whole-registry listing, kept between calls so unchanged files are not hashed again. */
const listingCaches = new WeakMap<Control, DigestCache>();

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
    if (!cache) listingCaches.set(control, (cache = new DigestCache()));
    const index = await scanRegistry(registry, cache);
    const roles = control.store()?.roles ?? [];
    const names = [...new Set([...index.skills.keys(), ...index.invalid.keys()])].sort();
    const skills = names.map((name) => {
      const skill = index.skills.get(name);
      const invalid = index.invalid.get(name);
      const usedBy = roles.filter((r) => r.skills.includes(name)).map((r) => r.name);
      return {
        name,
        description: skill?.description,
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
