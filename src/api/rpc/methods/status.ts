/** status and rpc.discover. */
import { z } from 'zod';
import { RoleNotFoundError } from '../../../errors.ts';
import { RoleName, RoleStatusSchema, StatusDocumentSchema } from '../../schemas.ts';
import { buildStatusDocument, getRoleStatus } from '../../status-document.ts';
import { defineMethod } from '../method.ts';

export const status = defineMethod({
  summary: "The status document (docs/status.md), or one role's status",
  params: z.object({ role: RoleName.optional() }),
  result: z.union([StatusDocumentSchema, RoleStatusSchema]),
  errors: ['unknownRole'],
  examples: [
    {
      name: "backend's status",
      params: { role: 'backend' },
      result: {
        name: 'backend',
        phase: 'Ready',
        generation: 1,
        observedGeneration: 1,
        conditions: [],
        skills: [],
        drifted: [],
        strays: [],
        missingSecrets: [],
        warnings: [],
        counts: { reconciles: 1, filesWritten: 4, filesDeleted: 0, driftReverted: 0, backups: 0, errors: 0 },
      },
    },
  ],
  handler: async ({ role }, { control }) => {
    if (role === undefined) return buildStatusDocument(control);
    const s = getRoleStatus(control, role);
    if (!s) throw new RoleNotFoundError(role);
    return s;
  },
});

export const rpc_discover = defineMethod({
  summary: 'The OpenRPC document of this API',
  params: z.object({}),
  result: z.looseObject({
    openrpc: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    methods: z.array(z.looseObject({ name: z.string() })),
  }),
  examples: [
    {
      name: 'discover',
      params: {},
      result: { openrpc: '1.3.2', info: { title: 'hero_team', version: '0.1.0' }, methods: [{ name: 'role_list' }] },
    },
  ],
  handler: async (_p, { openrpc }) =>
    openrpc() as { openrpc: string; info: { title: string; version: string }; methods: { name: string }[] },
});
