/** The dashboard's reads, through the API's JSON-RPC methods, shaped for the pages. */
import type { AdminDeps } from './deps.ts';

/** One role as the pages show it. */
export interface RoleView {
  name: string;
  model: string;
  provider?: string;
  thinking: boolean;
  yolo: boolean;
  skills: string[];
  mcp: string[];
  maxContextSize?: number;
  description?: string;
  driftPolicy: 'revert' | 'report';
  generation: number;
  phase: string;
  /** Reason (and message) of the Ready condition, or the last error. */
  reason?: string;
  lastReconcileAt?: string;
}

/** One model alias of the catalog. */
export interface ModelView {
  alias: string;
  provider: string;
  model: string;
  maxContextSize?: number;
}

/** One registry skill. */
export interface SkillView {
  name: string;
  description?: string;
  tags: string[];
  md5?: string;
  valid: boolean;
  reason?: string;
}

/** A whitelisted skill of one role, with its staleness. */
export interface RoleSkillView {
  name: string;
  md5?: string;
  syncedMd5?: string;
  stale: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** A list result, bare or wrapped in `{ [key]: [...] }`. */
const list = (v: unknown, key: string): unknown[] =>
  Array.isArray(v) ? v : Array.isArray(obj(v)[key]) ? (obj(v)[key] as unknown[]) : [];

/** The Ready condition's reason and message, or the last error. */
function readyReason(status: Obj): string | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(obj) : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (status.lastError) return String(status.lastError);
  if (!ready) return undefined;
  const message = str(ready.message);
  return message ? `${str(ready.reason) ?? ''}: ${message}` : str(ready.reason);
}

/** A role entry of `role_list` or `role_get` (with its status document entry, when known) as a view. */
export function toRoleView(entry: unknown, models: ReadonlyMap<string, ModelView>, statusDoc?: unknown): RoleView {
  const e = obj(entry);
  const spec = obj(e.spec ?? e.role ?? e);
  const status = obj(statusDoc ?? e.status);
  const model = str(spec.model) ?? '';
  return {
    name: str(spec.name) ?? str(e.name) ?? '',
    model,
    provider: models.get(model)?.provider,
    thinking: spec.thinking !== false,
    yolo: spec.yolo === true,
    skills: strs(spec.skills),
    mcp: strs(spec.mcp),
    maxContextSize: typeof spec.maxContextSize === 'number' ? spec.maxContextSize : undefined,
    description: str(spec.description),
    driftPolicy: spec.driftPolicy === 'report' ? 'report' : 'revert',
    generation: Number(e.generation ?? spec.generation ?? 1),
    phase: str(e.phase) ?? str(status.phase) ?? 'Pending',
    reason: readyReason(status),
    lastReconcileAt: str(obj(status.lastReconcile).at) ?? str(status.lastReconcileAt),
  };
}

/** The catalog's models, by alias. */
export async function readModels(deps: AdminDeps): Promise<Map<string, ModelView>> {
  const result = obj(await deps.call('model_list'));
  const models = result.models;
  const entries: [string, Obj][] = Array.isArray(models)
    ? models.map((m) => [str(obj(m).alias) ?? str(obj(m).name) ?? '', obj(m)])
    : Object.entries(obj(models)).map(([k, v]) => [k, obj(v)]);
  return new Map(
    entries.map(([alias, m]) => [
      alias,
      {
        alias,
        provider: str(m.provider) ?? '',
        model: str(m.model) ?? alias,
        maxContextSize: typeof m.maxContextSize === 'number' ? m.maxContextSize : undefined,
      },
    ]),
  );
}

/** Every role, sorted by name. */
export async function readRoles(deps: AdminDeps, models?: Map<string, ModelView>): Promise<RoleView[]> {
  const catalog = models ?? (await readModels(deps));
  const [listed, doc] = await Promise.all([deps.call('role_list'), deps.call('status')]);
  const statuses = new Map(list(doc, 'roles').map((s) => [str(obj(s).name), s]));
  const roles = list(listed, 'roles').map((r) => toRoleView(r, catalog, statuses.get(str(obj(r).name))));
  return roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One role, or undefined when it does not exist. */
export async function readRole(
  deps: AdminDeps,
  name: string,
  models?: Map<string, ModelView>,
): Promise<RoleView | undefined> {
  const catalog = models ?? (await readModels(deps));
  try {
    return toRoleView(await deps.call('role_get', { name }), catalog);
  } catch (err) {
    if ((err as { code?: number }).code === -32002) return undefined;
    throw err;
  }
}

/** The text of a `config_render` result (`{ content }`). */
export function renderedText(result: unknown): string {
  return typeof result === 'string' ? result : (str(obj(result).content) ?? '');
}

/** The whole registry. */
export async function readRegistry(deps: AdminDeps): Promise<SkillView[]> {
  return list(await deps.call('skill_list', {}), 'skills').map((s) => {
    const o = obj(s);
    return {
      name: str(o.name) ?? '',
      description: str(o.description),
      tags: strs(o.tags),
      md5: str(o.md5),
      valid: o.valid !== false,
      reason: str(o.reason),
    };
  });
}

/** The whitelisted skills of one role, with staleness. */
export async function readRoleSkills(deps: AdminDeps, role: string): Promise<RoleSkillView[]> {
  return list(await deps.call('skill_list', { role }), 'skills').map((s) => {
    const o = obj(s);
    return { name: str(o.name) ?? '', md5: str(o.md5), syncedMd5: str(o.lastSyncedMd5), stale: o.stale === true };
  });
}
