/**
 * The one place role commands change the store: add, set and remove a role. When a daemon answers on the socket
 * the change goes through its API (it validates again, writes the store with the same locked write, and converges
 * the role at once); otherwise store.json is written here under its lock (the daemon, if one starts later, reads
 * it). The CLI's own checks run first either way, so messages and exit codes are the same.
 */
import { type HeroTeamClient, RpcClientError } from '../api/client.ts';
import type { RoleInput as ApiRoleInput } from '../api/schemas.ts';
import type { Config } from '../config.ts';
import { DEFAULT_MODEL } from '../desired/catalog-defaults.ts';
import type { RoleSpec } from '../desired/schema.ts';
import { removeRole, upsertRole } from '../desired/store.ts';
import { InputError, RoleNotFoundError } from '../errors.ts';
import { cliErrorFor, daemonClient } from './daemon-client.ts';
import { presetFor, type RoleInput, resolveFields, validateReferences } from './role-input.ts';
import { loadStoreFor, mutateStoreFor } from './store-access.ts';

/** What a role change did. */
export interface RoleChange {
  role: RoleSpec;
  changed: boolean;
  /** The running daemon made the change (and is converging the role). */
  viaDaemon?: boolean;
}

/** Create a role; refuses an existing name. Everything is validated before the store is written. */
export async function addRole(config: Config, input: RoleInput): Promise<RoleChange> {
  const current = await loadStoreFor(config);
  if (current.roles.some((r) => r.name === input.name))
    throw new InputError(
      'NAME',
      `role "${input.name}" already exists; use "hero-team role set ${input.name} ..." to change it`,
    );
  // A preset brings defaults; the flags given win over them.
  const preset = await presetFor(config, input.fields.preset);
  const { hooks, ...presetDefaults } = preset?.defaults ?? {};
  const spec = {
    model: DEFAULT_MODEL,
    ...presetDefaults,
    ...(hooks?.length ? { hooks } : {}),
    ...resolveFields(input),
    name: input.name,
  };
  await validateReferences(config, current, spec);
  const client = await daemonClient(config);
  if (client) {
    await client.call('role_upsert', { role: roleInputFrom(spec), expectedGeneration: 0 }).catch((err: unknown) => {
      throw err instanceof RpcClientError && err.code === -32001
        ? new InputError('NAME', `role "${input.name}" already exists`)
        : cliErrorFor(err, input.name);
    });
    return { role: (await client.call('role_get', { name: input.name })).spec, changed: true, viaDaemon: true };
  }
  let change: RoleChange | undefined;
  await mutateStoreFor(config, (data) => {
    if (data.roles.some((r) => r.name === input.name))
      throw new InputError('NAME', `role "${input.name}" already exists`);
    const r = upsertRole(data, spec);
    change = { role: r.role, changed: true };
    return r.data;
  });
  return change!;
}

/** Change the given fields of a role; list edits apply to the role as it is under the lock. */
export async function setRole(config: Config, input: RoleInput): Promise<RoleChange> {
  const current = await loadStoreFor(config);
  const before = current.roles.find((r) => r.name === input.name);
  if (!before) throw new RoleNotFoundError(input.name);
  const fields = resolveFields(input, before);
  // Only what the command introduces is checked: a skill already whitelisted may be missing from the registry today.
  const added = {
    ...fields,
    skills: fields.skills?.filter((s) => !before.skills.includes(s)),
    mcp: fields.mcp?.filter((s) => !before.mcp.includes(s)),
  };
  // A new model must still hold the role's context override.
  if (fields.model !== undefined && fields.maxContextSize === undefined && before.maxContextSize !== undefined)
    added.maxContextSize = before.maxContextSize;
  await validateReferences(config, current, added, before.model);
  await presetFor(config, fields.preset);
  const client = await daemonClient(config);
  if (client) return setRoleViaDaemon(client, input);
  let change: RoleChange | undefined;
  await mutateStoreFor(config, (data) => {
    const existing = data.roles.find((r) => r.name === input.name);
    if (!existing) throw new RoleNotFoundError(input.name);
    const r = upsertRole(data, { ...existing, ...resolveFields(input, existing) });
    change = { role: r.role, changed: r.changed };
    return r.changed ? r.data : undefined;
  });
  return change!;
}

/** Through the daemon: read the role, apply the edits to it, write it back only if nobody changed it meanwhile. */
async function setRoleViaDaemon(client: HeroTeamClient, input: RoleInput): Promise<RoleChange> {
  const { spec } = await client.call('role_get', { name: input.name }).catch((err: unknown) => {
    throw cliErrorFor(err, input.name);
  });
  const next = { ...spec, ...resolveFields(input, spec) };
  const r = await client
    .call('role_upsert', { role: roleInputFrom(next), expectedGeneration: spec.generation })
    .catch((err: unknown) => {
      throw cliErrorFor(err, input.name);
    });
  return { role: { ...next, generation: r.generation }, changed: r.changed, viaDaemon: true };
}

/** Remove a role from the desired state; returns whether the running daemon did it. */
export async function deleteRoleSpec(config: Config, name: string): Promise<{ viaDaemon: boolean }> {
  const client = await daemonClient(config);
  if (client) {
    await client.call('role_delete', { name }).catch((err: unknown) => {
      throw cliErrorFor(err, name);
    });
    return { viaDaemon: true };
  }
  await mutateStoreFor(config, (data) => removeRole(data, name));
  return { viaDaemon: false };
}

/** The API's role shape (`context`, `drift`) from a store spec. */
export function roleInputFrom(spec: Partial<RoleSpec> & { name: string; model: string }): ApiRoleInput {
  const { maxContextSize, driftPolicy, generation: _g, ...rest } = spec;
  return {
    ...rest,
    ...(maxContextSize !== undefined ? { context: maxContextSize } : {}),
    ...(driftPolicy !== undefined ? { drift: driftPolicy } : {}),
  };
}
