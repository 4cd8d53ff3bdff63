/**
 * zod schemas of what the API serves: the status document and the shapes the JSON-RPC methods share. The same
 * schemas validate params, generate the OpenRPC document and type the client (src/api/client.ts).
 */
import { z } from 'zod';
import { ROLE_NAME_RE, RoleSpecSchema, SKILL_NAME_RE } from '../desired/schema.ts';

/** A role name (also its directory name). */
export const RoleName = z.string().regex(ROLE_NAME_RE, { error: 'role name must match ^[a-z0-9][a-z0-9_-]{0,62}$' });

/** Lifecycle phases of a role (DESIGN §6). */
export const PHASES = ['Pending', 'Reconciling', 'Ready', 'Degraded', 'Stalled', 'Deleting'] as const;

/** One status condition. */
export const ConditionSchema = z.object({
  type: z.enum(['Ready', 'Reconciling', 'Stalled', 'Drifted', 'SecretsMissing', 'DiscoveryUnavailable']),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string(),
});

/** A whitelisted skill of a role: registry md5 now, md5 last copied into the role, stale when they differ. */
export const RoleSkillSchema = z.object({
  name: z.string(),
  md5: z.string().optional(),
  lastSyncedMd5: z.string().optional(),
  stale: z.boolean(),
});

/** Status of one role. */
export const RoleStatusSchema = z.object({
  name: z.string(),
  phase: z.enum(PHASES),
  /** Generation of the spec in force; null once the role left the store (its files are being pruned). */
  generation: z.number().int().nullable(),
  observedGeneration: z.number().int().optional(),
  lastAppliedRevision: z.string().optional(),
  lastReconcile: z
    .object({
      at: z.string(),
      durationMs: z.number().optional(),
      outcome: z.enum(['converged', 'deleted', 'absent', 'error', 'stalled']).optional(),
    })
    .optional(),
  lastError: z.string().optional(),
  conditions: z.array(ConditionSchema),
  skills: z.array(RoleSkillSchema),
  drifted: z.array(z.string()),
  strays: z.array(z.string()),
  missingSecrets: z.array(z.string()),
  warnings: z.array(z.string()),
  counts: z.object({
    reconciles: z.number().int(),
    filesWritten: z.number().int(),
    filesDeleted: z.number().int(),
    driftReverted: z.number().int(),
    backups: z.number().int(),
    errors: z.number().int(),
  }),
});

/** The daemon as a whole. */
export const GlobalStatusSchema = z.object({
  version: z.string(),
  uptimeSeconds: z.number(),
  ready: z.boolean(),
  readyReason: z.string().optional(),
  store: z.object({ path: z.string(), roles: z.number().int(), error: z.string().optional() }),
  services: z.object({ count: z.number().int(), error: z.string().optional() }),
  registry: z.object({
    path: z.string(),
    exists: z.boolean(),
    /** Skills indexed: those some role whitelists (the rest of the registry is never read). */
    valid: z.number().int(),
    invalid: z.array(z.object({ name: z.string(), reason: z.string() })),
  }),
  watches: z.object({ count: z.number().int(), complete: z.boolean() }),
  queue: z.object({ depth: z.number().int(), active: z.number().int() }),
  resync: z.object({ intervalMs: z.number(), nextAt: z.string().optional() }),
  phases: z.partialRecord(z.enum(PHASES), z.number().int()),
});

/** GET /status and the `status` method without a role. */
export const StatusDocumentSchema = z.object({
  global: GlobalStatusSchema,
  roles: z.array(RoleStatusSchema),
});

/** A role as the API accepts it (the CLI's flag names: `context`, `drift`). */
export const RoleInputSchema = z.strictObject({
  name: RoleName,
  model: z.string().min(1).max(200),
  skills: z
    .array(z.string().regex(SKILL_NAME_RE, { error: 'skill name must match ^[a-z0-9][a-z0-9_-]{0,63}$' }))
    .max(1000)
    .optional(),
  mcp: z.array(z.string().min(1).max(200)).max(1000).optional(),
  thinking: z.boolean().optional(),
  yolo: z.boolean().optional(),
  context: z.number().int().positive().optional(),
  description: z.string().max(1024).optional(),
  drift: z.enum(['revert', 'report']).optional(),
  preset: RoleSpecSchema.shape.preset,
  hooks: RoleSpecSchema.shape.hooks,
});

/** A role spec as stored. */
export const RoleSpecOut = RoleSpecSchema;

/** One file hero_team wrote for a role (from its manifest). */
export const RoleFileSchema = z.object({
  path: z.string(),
  md5: z.string(),
  size: z.number().int(),
  mode: z.number().int(),
});

/** What one converge of a role did (skill_sync, config_write). */
export const ConvergeOutcomeSchema = z.object({
  role: z.string(),
  outcome: z.enum(['converged', 'deleted', 'absent', 'error', 'stalled']),
  written: z.number().int(),
  deleted: z.number().int(),
  backups: z.number().int(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
});

export type StatusDocument = z.output<typeof StatusDocumentSchema>;
export type RoleStatusDoc = z.output<typeof RoleStatusSchema>;
export type GlobalStatus = z.output<typeof GlobalStatusSchema>;
export type RoleInput = z.output<typeof RoleInputSchema>;
export type ConvergeOutcome = z.output<typeof ConvergeOutcomeSchema>;
