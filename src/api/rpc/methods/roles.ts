/** role_list, role_get, role_upsert, role_delete. Mutations change the desired state; the role's actor writes files. */
import { join } from 'node:path';
import { z } from 'zod';
import { launchLine } from '../../../controllers/render/launch-line.ts';
import type { RoleSpec, RoleSpecInput } from '../../../desired/schema.ts';
import { removeRole, upsertRole } from '../../../desired/store.ts';
import { RoleNotFoundError } from '../../../errors.ts';
import { readManifest } from '../../../observed/manifest.ts';
import type { Control } from '../../control.ts';
import {
  PHASES,
  RoleFileSchema,
  type RoleInput,
  RoleInputSchema,
  RoleName,
  RoleSpecOut,
  RoleStatusSchema,
} from '../../schemas.ts';
import { getRoleStatus } from '../../status-document.ts';
import { RpcError } from '../errors.ts';
import { defineMethod } from '../method.ts';
import { checkRoleReferences } from '../role-references.ts';

const EXAMPLE_SPEC: RoleSpec = {
  name: 'backend',
  model: 'kimi-code/kimi-for-coding',
  thinking: true,
  yolo: false,
  skills: ['tdd'],
  mcp: [],
  driftPolicy: 'revert',
  generation: 1,
};

/** The store's role spec from the API's role shape. */
export function specFromInput(role: RoleInput): RoleSpecInput {
  const { context, drift, ...rest } = role;
  return {
    ...rest,
    ...(context !== undefined ? { maxContextSize: context } : {}),
    ...(drift !== undefined ? { driftPolicy: drift } : {}),
  };
}

function storeOrThrow(control: Control) {
  const store = control.store();
  if (!store)
    throw RpcError.of('storeInvalid', control.manager.sources.storeError ?? 'no valid store.json has been read yet');
  return store;
}

export const role_list = defineMethod({
  summary: 'Declared roles with their spec, generation and phase',
  params: z.object({}),
  result: z.object({
    roles: z.array(
      z.object({ name: z.string(), generation: z.number().int(), phase: z.enum(PHASES), spec: RoleSpecOut }),
    ),
  }),
  examples: [
    {
      name: 'list roles',
      params: {},
      result: { roles: [{ name: 'backend', generation: 1, phase: 'Ready', spec: EXAMPLE_SPEC }] },
    },
  ],
  handler: async (_p, { control }) => {
    const roles = [...storeOrThrow(control).roles].sort((a, b) => (a.name < b.name ? -1 : 1));
    return {
      roles: roles.map((spec) => ({
        name: spec.name,
        generation: spec.generation,
        phase: control.manager.status.get(spec.name)?.phase ?? 'Pending',
        spec,
      })),
    };
  },
});

export const role_get = defineMethod({
  summary: 'One role: spec, status, the files hero_team wrote, and its launch line',
  params: z.object({ name: RoleName }),
  result: z.object({
    name: z.string(),
    spec: RoleSpecOut,
    status: RoleStatusSchema,
    dir: z.string(),
    files: z.array(RoleFileSchema),
    manifest: z.enum(['ok', 'absent', 'corrupt']),
    launch: z.string(),
  }),
  errors: ['unknownRole'],
  examples: [
    {
      name: 'get backend',
      params: { name: 'backend' },
      result: {
        name: 'backend',
        spec: EXAMPLE_SPEC,
        dir: '/home/me/.kimi/roles/backend',
        manifest: 'ok',
        status: {
          name: 'backend',
          phase: 'Ready',
          generation: 1,
          observedGeneration: 1,
          conditions: [],
          skills: [
            {
              name: 'tdd',
              md5: '5d41402abc4b2a76b9719d911017c592',
              lastSyncedMd5: '5d41402abc4b2a76b9719d911017c592',
              stale: false,
            },
          ],
          drifted: [],
          strays: [],
          missingSecrets: [],
          warnings: [],
          counts: { reconciles: 1, filesWritten: 4, filesDeleted: 0, driftReverted: 0, backups: 0, errors: 0 },
        },
        files: [{ path: 'config.toml', md5: '9e107d9d372bb6826bd81d3542a419d6', size: 1234, mode: 384 }],
        launch:
          'kimi --config-file /home/me/.kimi/roles/backend/config.toml --mcp-config-file /home/me/.kimi/roles/backend/mcp.json --skills-dir /home/me/.kimi/roles/backend/skills',
      },
    },
  ],
  handler: async ({ name }, { control }) => {
    const store = storeOrThrow(control);
    const spec = store.roles.find((r) => r.name === name);
    if (!spec) throw new RoleNotFoundError(name);
    const dir = join(control.paths.rolesDir, name);
    const manifest = await readManifest(dir);
    const files =
      manifest.state === 'ok'
        ? manifest.manifest.entries.map((e) => ({ path: e.path, md5: e.md5, size: e.size, mode: e.mode }))
        : [];
    return {
      name,
      spec,
      status: getRoleStatus(control, name)!,
      dir,
      files,
      manifest: manifest.state,
      launch: launchLine(control.paths.rolesDir, name, spec.preset, store, control.env),
    };
  },
});

export const role_upsert = defineMethod({
  summary: 'Create or replace a role (fields left out take their defaults)',
  description:
    'The role given is the whole spec. With expectedGeneration, the write is refused (-32001) unless the role is at that generation (0: must not exist yet). The generation rises by one per accepted change; an identical spec changes nothing. A model, preset, skill or MCP service the change introduces must exist (-32602 naming it).',
  params: z.object({ role: RoleInputSchema, expectedGeneration: z.number().int().min(0).optional() }),
  result: z.object({ name: z.string(), generation: z.number().int(), changed: z.boolean() }),
  errors: ['conflict', 'storeInvalid'],
  mutates: true,
  examples: [
    {
      name: 'whitelist tdd for backend',
      params: { role: { name: 'backend', model: 'kimi-code/kimi-for-coding', skills: ['tdd'] } },
      result: { name: 'backend', generation: 1, changed: false },
    },
  ],
  handler: async ({ role, expectedGeneration }, { control }) => {
    const spec = specFromInput(role);
    const store = storeOrThrow(control);
    const before = store.roles.find((r) => r.name === role.name);
    const added = (list: string[] | undefined, had: string[] = []) => (list ?? []).filter((x) => !had.includes(x));
    await checkRoleReferences(control, store, {
      model: role.model,
      maxContextSize: role.context,
      skills: added(role.skills, before?.skills),
      mcp: added(role.mcp, before?.mcp),
      preset: role.preset === before?.preset ? undefined : role.preset,
    });
    return control.mutate((data) => {
      const existing = data.roles.find((r) => r.name === role.name);
      if (expectedGeneration !== undefined && (existing?.generation ?? 0) !== expectedGeneration) {
        throw RpcError.of(
          'conflict',
          `role "${role.name}" is at generation ${existing?.generation ?? 0}, not ${expectedGeneration}`,
          { name: role.name, generation: existing?.generation ?? 0, expectedGeneration },
        );
      }
      const r = upsertRole(data, spec as RoleSpec);
      return { data: r.data, result: { name: r.role.name, generation: r.role.generation, changed: r.changed } };
    });
  },
});

export const role_delete = defineMethod({
  summary: 'Remove a role; its generated files are pruned by its next reconcile (files the user added are kept)',
  params: z.object({ name: RoleName }),
  result: z.object({ name: z.string(), deleted: z.boolean() }),
  errors: ['unknownRole', 'storeInvalid'],
  mutates: true,
  examples: [{ name: 'delete a role', params: { name: 'scratch' }, result: { name: 'scratch', deleted: true } }],
  handler: async ({ name }, { control }) =>
    control.mutate((data) => ({ data: removeRole(data, name), result: { name, deleted: true } })),
});
