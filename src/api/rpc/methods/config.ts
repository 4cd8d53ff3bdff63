/** config_render, config_write, model_list: what would be written (redacted), converge one role now, the catalog. */
import { z } from 'zod';
import { statePaths } from '../../../config.ts';
import { maskSecrets } from '../../../controllers/render/config-toml.ts';
import { redactMcpServers } from '../../../controllers/render/mcp-json.ts';
import { renderRole } from '../../../controllers/render/role.ts';
import { readRenderInput } from '../../../controllers/render-input.ts';
import { effectiveCatalog } from '../../../desired/catalog-defaults.ts';
import { RoleNotFoundError } from '../../../errors.ts';
import { readProviderSecrets } from '../../../observed/secrets.ts';
import { CONVERGE_TIMEOUT, type Control } from '../../control.ts';
import { ConvergeOutcomeSchema, RoleName } from '../../schemas.ts';
import { RpcError } from '../errors.ts';
import { defineMethod } from '../method.ts';

function roleSpec(control: Control, name: string) {
  const store = control.store();
  if (!store)
    throw RpcError.of('storeInvalid', control.manager.sources.storeError ?? 'no valid store.json has been read yet');
  const spec = store.roles.find((r) => r.name === name);
  if (!spec) throw new RoleNotFoundError(name);
  return { store, spec };
}

export const config_render = defineMethod({
  summary: 'The config.toml (or mcp.json) hero_team would write for a role, keys redacted',
  params: z.object({ role: RoleName, file: z.enum(['config.toml', 'mcp.json']).default('config.toml') }),
  result: z.object({ role: z.string(), file: z.string(), content: z.string(), missingSecrets: z.array(z.string()) }),
  errors: ['unknownRole'],
  examples: [
    {
      name: 'render config.toml',
      params: { role: 'backend', file: 'config.toml' },
      result: {
        role: 'backend',
        file: 'config.toml',
        content: 'default_model = "kimi-code/kimi-for-coding"\n',
        missingSecrets: [],
      },
    },
  ],
  handler: async ({ role, file }, { control }) => {
    const { store, spec } = roleSpec(control, role);
    const { sources } = control.manager;
    // The same input as reconcile and `hero-team render`: the target in force, its key mode, the role's preset.
    const input = await readRenderInput(spec, {
      store,
      index: sources.registry.index,
      services: sources.services,
      home: control.paths.home,
      rolesDir: control.paths.rolesDir,
      env: control.env,
    });
    const desired = renderRole({ ...input, secrets: maskSecrets(input.secrets) });
    const f = desired.files.find((x) => x.path === file);
    const text = f && f.source.kind === 'bytes' ? f.source.bytes.toString('utf8') : '';
    return {
      role,
      file,
      content: file === 'mcp.json' ? redactMcpServers(text) : text,
      missingSecrets: desired.missingSecrets,
    };
  },
});

export const config_write = defineMethod({
  summary: 'Converge one role now and wait; returns what was written, deleted and backed up',
  params: z.object({ role: RoleName, timeoutMs: z.number().int().positive().max(CONVERGE_TIMEOUT.maxMs).optional() }),
  result: ConvergeOutcomeSchema,
  errors: ['unknownRole', 'timeout'],
  examples: [
    {
      name: 'write backend',
      params: { role: 'backend' },
      result: { role: 'backend', outcome: 'converged', written: 0, deleted: 0, backups: 0, durationMs: 2.5 },
    },
  ],
  handler: async ({ role, timeoutMs }, { control }) => {
    roleSpec(control, role);
    const [outcome] = await control.converge([role], timeoutMs);
    return outcome!;
  },
});

const ProviderOut = z.object({
  name: z.string(),
  type: z.string(),
  baseUrl: z.string(),
  keyVariable: z.string().optional(),
  keySet: z.boolean(),
});
const ModelOut = z.object({
  alias: z.string(),
  provider: z.string(),
  model: z.string(),
  maxContextSize: z.number().int(),
  keySet: z.boolean(),
});

export const model_list = defineMethod({
  summary: 'The catalog: providers and models, with whether each key variable is set (never its value)',
  params: z.object({}),
  result: z.object({ providers: z.array(ProviderOut), models: z.array(ModelOut) }),
  examples: [
    {
      name: 'the catalog',
      params: {},
      result: {
        providers: [
          {
            name: 'managed:kimi-code',
            type: 'kimi',
            baseUrl: 'https://api.kimi.com/coding/v1',
            keyVariable: 'KIMI_API_KEY',
            keySet: true,
          },
        ],
        models: [
          {
            alias: 'kimi-code/kimi-for-coding',
            provider: 'managed:kimi-code',
            model: 'kimi-for-coding',
            maxContextSize: 262144,
            keySet: true,
          },
        ],
      },
    },
  ],
  handler: async (_p, { control }) => {
    const catalog = effectiveCatalog(control.store()?.catalog ?? { providers: {}, models: {} });
    const set = await readProviderSecrets(statePaths(control.paths.home).secrets, control.env, catalog);
    const keySet = (provider: string) => {
      const v = catalog.providers[provider]?.apiKeyEnv;
      return v !== undefined && Object.hasOwn(set, v);
    };
    const byName = <T>(o: Record<string, T>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      providers: byName(catalog.providers).map(([name, p]) => ({
        name,
        type: p.type,
        baseUrl: p.baseUrl,
        keyVariable: p.apiKeyEnv,
        keySet: keySet(name),
      })),
      models: byName(catalog.models).map(([alias, m]) => ({
        alias,
        provider: m.provider,
        model: m.model,
        maxContextSize: m.maxContextSize,
        keySet: keySet(m.provider),
      })),
    };
  },
});
