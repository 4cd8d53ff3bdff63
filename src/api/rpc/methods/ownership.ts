/** config_diff and doctor: disk versus desired per role (keys redacted), and the diagnostics with their fixes. */
import { z } from 'zod';
import { diffRoles } from '../../../controllers/diff-role.ts';
import { runDoctor, systemProbes } from '../../../controllers/doctor/run.ts';
import { Sources } from '../../../controllers/sources.ts';
import { RoleNotFoundError } from '../../../errors.ts';
import { createLogger } from '../../../log.ts';
import { listManagedRoleDirs } from '../../../observed/role-dir.ts';
import type { Control } from '../../control.ts';
import { RoleName } from '../../schemas.ts';
import { RpcError } from '../errors.ts';
import { defineMethod } from '../method.ts';

const FileDiffSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'modified', 'mode', 'removed', 'conflict', 'held']),
  patch: z.string().optional().describe('unified diff, keys redacted on both sides'),
  note: z.string().optional(),
});

const RoleDiffSchema = z.object({
  role: z.string(),
  converged: z.boolean(),
  files: z.array(FileDiffSchema),
  skills: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
  strays: z.array(z.string()),
});

const FindingSchema = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  check: z.string(),
  message: z.string(),
  file: z.string().optional(),
  role: z.string().optional(),
  fix: z.string(),
});

const RolesParam = z.object({
  roles: z.array(RoleName).optional().describe('default: every declared role and managed directory'),
});

/** The named roles must be declared or managed (an unknown one is the unknownRole error). */
async function checkKnown(control: Control, names: readonly string[] | undefined): Promise<void> {
  if (!names) return;
  const store = control.store();
  if (!store)
    throw RpcError.of('storeInvalid', control.manager.sources.storeError ?? 'no valid store.json has been read yet');
  const managed = new Set(await listManagedRoleDirs(control.paths.rolesDir));
  const unknown = names.find((n) => !managed.has(n) && !store.roles.some((r) => r.name === n));
  if (unknown) throw new RoleNotFoundError(unknown);
}

export const config_diff = defineMethod({
  summary: 'Disk versus what hero_team would write now, per role: unified diffs (keys redacted), skills by name',
  params: RolesParam,
  result: z.object({
    converged: z.boolean(),
    roles: z.array(RoleDiffSchema),
    errors: z.array(z.object({ role: z.string(), error: z.string() })),
  }),
  errors: ['unknownRole', 'storeInvalid'],
  examples: [
    {
      name: 'diff backend',
      params: { roles: ['backend'] },
      result: {
        converged: true,
        roles: [
          {
            role: 'backend',
            converged: true,
            files: [],
            skills: { added: [], removed: [], changed: [] },
            strays: [],
          },
        ],
        errors: [],
      },
    },
  ],
  handler: async ({ roles }, { control }) => {
    await checkKnown(control, roles);
    // A fresh read of every input, as `hero-team diff` does: the daemon's caches are neither used nor changed.
    const sources = new Sources(control.paths);
    await sources.loadAll();
    if (!sources.store) throw RpcError.of('storeInvalid', sources.storeError ?? 'store.json is not valid');
    const { paths, env, clock } = control;
    const deps = sources.reconcileDeps({ paths, env, clock, log: createLogger('silent') });
    return diffRoles(roles, deps);
  },
});

export const doctor = defineMethod({
  summary: 'Diagnostics of the installation and of each role, each finding with severity, file and fix',
  params: RolesParam,
  result: z.object({
    ok: z.boolean().describe('no finding of severity error'),
    errors: z.number().int(),
    warnings: z.number().int(),
    findings: z.array(FindingSchema),
  }),
  errors: ['unknownRole', 'storeInvalid'],
  examples: [
    {
      name: 'doctor backend',
      params: { roles: ['backend'] },
      result: { ok: true, errors: 0, warnings: 0, findings: [] },
    },
  ],
  handler: async ({ roles }, { control }) => {
    await checkKnown(control, roles);
    const { paths, env, clock } = control;
    const real = systemProbes();
    // Asked inside the daemon: the daemon itself is running (the process scan skips its own pid).
    const probes = { ...real, daemons: (home: string) => [process.pid, ...real.daemons(home)] };
    const findings = await runDoctor({ paths, env, clock, probes, roles });
    const errors = findings.filter((f) => f.severity === 'error').length;
    return { ok: errors === 0, errors, warnings: findings.filter((f) => f.severity === 'warning').length, findings };
  },
});
