/** zod schemas of the desired state (DESIGN §4): roles, catalog, the store file. */
import { z } from 'zod';
import { HOOK_NAMES } from './hook-catalog.ts';

/** Role names are also directory names: nothing else is accepted. */
export const ROLE_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Registry skill names (directory name or flat-file stem). */
export const SKILL_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Preset names: also Kimi Code agent names (kebab-case) and directory names. */
export const PRESET_NAME_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Environment variable names that may hold a provider key. */
export const ENV_NAME_RE = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Provider types of the catalog: kimi-cli's names (test-only types excluded) plus Kimi Code's `openai` and
 * `google-genai`; each target maps them to its own vocabulary (controllers/render/targets).
 */
export const PROVIDER_TYPES = [
  'kimi',
  'openai_legacy',
  'openai',
  'openai_responses',
  'anthropic',
  'gemini',
  'google_genai',
  'google-genai',
  'vertexai',
] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
/** Model capabilities Kimi CLI accepts. */
export const CAPABILITIES = ['image_in', 'video_in', 'thinking', 'always_thinking'] as const;

/** A role as declared by the user. */
export const RoleSpecSchema = z.strictObject({
  name: z.string().regex(ROLE_NAME_RE, { error: 'role name must match ^[a-z0-9][a-z0-9_-]{0,62}$' }),
  description: z.string().max(1024).optional(),
  model: z.string().min(1),
  thinking: z.boolean().default(true),
  yolo: z.boolean().default(false),
  maxContextSize: z.number().int().positive().optional(),
  skills: z
    .array(z.string().regex(SKILL_NAME_RE, { error: 'skill name must match ^[a-z0-9][a-z0-9_-]{0,63}$' }))
    .default([]),
  mcp: z.array(z.string().min(1)).default([]),
  driftPolicy: z.enum(['revert', 'report']).default('revert'),
  /** Agent preset (built-in or HERO_TEAM_HOME/presets/<name>): the role's agent spec and prompt. */
  preset: z
    .string()
    .max(63)
    .regex(PRESET_NAME_RE, { error: 'preset name must be kebab-case (^[a-z0-9]+(-[a-z0-9]+)*$)' })
    .optional(),
  /** Built-in hooks wired into the role's config (hook-catalog.ts). */
  hooks: z.array(z.enum(HOOK_NAMES)).optional(),
  generation: z.number().int().min(1).default(1),
});
export type RoleSpec = z.output<typeof RoleSpecSchema>;
export type RoleSpecInput = z.input<typeof RoleSpecSchema>;

/** A provider entry of the catalog; the key is named by env var, never stored. */
export const ProviderSchema = z.strictObject({
  type: z.enum(PROVIDER_TYPES),
  baseUrl: z.string().min(1),
  apiKeyEnv: z.string().regex(ENV_NAME_RE).optional(),
  customHeaders: z.record(z.string(), z.string()).optional(),
});
export type Provider = z.output<typeof ProviderSchema>;

/** A model alias of the catalog. */
export const ModelSchema = z.strictObject({
  provider: z.string().min(1),
  model: z.string().min(1),
  maxContextSize: z.number().int().positive(),
  /**
   * Largest completion the model may return; Kimi Code sends it as `max_tokens` (else the context size, which
   * OpenAI-type APIs reject).
   */
  maxOutputSize: z.number().int().positive().optional(),
  capabilities: z.array(z.enum(CAPABILITIES)).optional(),
  displayName: z.string().optional(),
});
export type Model = z.output<typeof ModelSchema>;

/** Providers and models; user entries are merged over the built-ins. */
export const CatalogSchema = z.strictObject({
  providers: z.record(z.string().min(1), ProviderSchema).default({}),
  models: z.record(z.string().min(1), ModelSchema).default({}),
});
export type Catalog = z.output<typeof CatalogSchema>;

/** Which Kimi client the generated files are for: Kimi Code 2.x (Node) or the legacy Python kimi-cli. */
export const KIMI_TARGETS = ['kimi-code', 'kimi-cli'] as const;
export type KimiTargetId = (typeof KIMI_TARGETS)[number];
/** Where a provider key goes: `env` names the variable (`api_key_env`, key given at launch); `config` writes it in. */
export const KEY_MODES = ['env', 'config'] as const;
export type KeyMode = (typeof KEY_MODES)[number];

/** Per-installation settings; an absent field takes its default (kimi-target.ts). */
export const SettingsSchema = z.strictObject({
  kimiTarget: z.enum(KIMI_TARGETS).optional(),
  kimiKeys: z.enum(KEY_MODES).optional(),
});
export type Settings = z.output<typeof SettingsSchema>;

/** The current store format version. */
export const STORE_VERSION = 2;

/** The whole store.json file. */
export const StoreDataSchema = z
  .strictObject({
    version: z.literal(STORE_VERSION),
    roles: z.array(RoleSpecSchema).default([]),
    catalog: CatalogSchema.default({ providers: {}, models: {} }),
    settings: SettingsSchema.default({}),
  })
  .superRefine((data, ctx) => {
    const seen = new Set<string>();
    data.roles.forEach((role, i) => {
      if (seen.has(role.name))
        ctx.addIssue({ code: 'custom', path: ['roles', i, 'name'], message: `duplicate role name "${role.name}"` });
      seen.add(role.name);
    });
  });
export type StoreData = z.output<typeof StoreDataSchema>;

/** A fresh, empty store. */
export function emptyStoreData(): StoreData {
  return { version: STORE_VERSION, roles: [], catalog: { providers: {}, models: {} }, settings: {} };
}
