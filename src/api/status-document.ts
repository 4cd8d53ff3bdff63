/** The status document (DESIGN §6): per role from the status book and the store, global from the manager and inputs. */
import { statePaths } from '../config.ts';
import type { RoleStatus } from '../controllers/status-book.ts';
import type { RoleSpec } from '../desired/schema.ts';
import type { Control } from './control.ts';
import type { GlobalStatus, RoleStatusDoc, StatusDocument } from './schemas.ts';

const EMPTY_COUNTS = { reconciles: 0, filesWritten: 0, filesDeleted: 0, driftReverted: 0, backups: 0, errors: 0 };

/** The whole status document. */
export function buildStatusDocument(control: Control): StatusDocument {
  const roles = listRoleStatus(control);
  return { global: buildGlobalStatus(control, roles), roles };
}

/** One role's part of the document as JSON, and what it was made from. */
interface RoleJson {
  revision: number;
  spec: RoleSpec | undefined;
  /** The role's skills, and the registry md5 of each when it was made. */
  skills: { name: string; md5?: string }[];
  json: string;
}

/** Per app, each role's JSON: kept while its status, spec and skills' registry md5s are the same. */
const roleJsonCaches = new WeakMap<Control, Map<string, RoleJson>>();

/**
 * The whole status document as JSON text, the same as JSON.stringify(buildStatusDocument()), from each role's
 * JSON kept since it last changed: GET /status is polled while roles converge, and a hundred roles' documents
 * rebuilt and serialised on every request hold the event loop for milliseconds each time.
 */
export function statusDocumentJson(control: Control): string {
  const cache = roleJsonCaches.get(control) ?? new Map<string, RoleJson>();
  const kept = new Map<string, RoleJson>();
  const index = control.manager.sources.registry.index;
  const book = control.manager.status;
  const parts: string[] = [];
  const phases: { phase: RoleStatusDoc['phase'] }[] = [];
  for (const [name, spec] of declaredAndKnown(control)) {
    const status = book.get(name);
    const revision = book.revision(name);
    let entry = cache.get(name);
    if (
      !entry ||
      entry.revision !== revision ||
      entry.spec !== spec ||
      !entry.skills.every((k) => index.skills.get(k.name)?.digest === k.md5)
    ) {
      const doc = roleStatusDoc(control, name, spec, status);
      entry = { revision, spec, skills: doc.skills, json: JSON.stringify(doc) };
    }
    kept.set(name, entry);
    parts.push(entry.json);
    phases.push({ phase: status?.phase ?? 'Pending' });
  }
  roleJsonCaches.set(control, kept);
  return `{"global":${JSON.stringify(buildGlobalStatus(control, phases))},"roles":[${parts.join(',')}]}`;
}

/** Every role declared in the store or known to the status book (being pruned), sorted by name, with its spec. */
function declaredAndKnown(control: Control): [string, RoleSpec | undefined][] {
  const specs = new Map((control.store()?.roles ?? []).map((r) => [r.name, r]));
  const names = new Set([...specs.keys(), ...control.manager.status.list().map((s) => s.name)]);
  return [...names].sort().map((name) => [name, specs.get(name)]);
}

/** Status of every role: declared in the store or known to the status book (being pruned), sorted by name. */
export function listRoleStatus(control: Control): RoleStatusDoc[] {
  return declaredAndKnown(control).map(([name, spec]) =>
    roleStatusDoc(control, name, spec, control.manager.status.get(name)),
  );
}

/** Status of one role, or undefined when neither the store nor the status book knows it. */
export function getRoleStatus(control: Control, name: string): RoleStatusDoc | undefined {
  const spec = control.store()?.roles.find((r) => r.name === name);
  const status = control.manager.status.get(name);
  return spec || status ? roleStatusDoc(control, name, spec, status) : undefined;
}

/** One role's status; skills are compared with the registry in force now (a registry edit makes them stale at once). */
function roleStatusDoc(
  control: Control,
  name: string,
  spec: RoleSpec | undefined,
  s: RoleStatus | undefined,
): RoleStatusDoc {
  const index = control.manager.sources.registry.index;
  const synced = new Map((s?.skills ?? []).map((k) => [k.name, k.lastSyncedMd5]));
  const skillNames = spec ? [...new Set(spec.skills)].sort() : (s?.skills ?? []).map((k) => k.name);
  const skills = skillNames.map((skill) => {
    const md5 = index.skills.get(skill)?.digest;
    const lastSyncedMd5 = synced.get(skill);
    return { name: skill, md5, lastSyncedMd5, stale: !md5 || md5 !== lastSyncedMd5 };
  });
  return {
    name,
    phase: s?.phase ?? 'Pending',
    generation: spec?.generation ?? null,
    observedGeneration: s?.observedGeneration,
    lastAppliedRevision: s?.lastAppliedRevision,
    lastReconcile: s?.lastReconcileAt
      ? { at: s.lastReconcileAt, durationMs: s.lastDurationMs, outcome: s.lastOutcome }
      : undefined,
    lastError: s?.lastError,
    conditions: s?.conditions ?? [],
    skills,
    drifted: s?.drifted ?? [],
    strays: s?.strays ?? [],
    missingSecrets: s?.missingSecrets ?? [],
    warnings: s?.warnings ?? [],
    counts: { ...(s?.counts ?? EMPTY_COUNTS) },
  };
}

/** The global part of the document. */
export function buildGlobalStatus(control: Control, roles: readonly Pick<RoleStatusDoc, 'phase'>[]): GlobalStatus {
  const { sources } = control.manager;
  const info = control.manager.introspect();
  const readiness = control.readiness.get();
  const index = sources.registry.index;
  const phases: GlobalStatus['phases'] = {};
  for (const r of roles) phases[r.phase] = (phases[r.phase] ?? 0) + 1;
  return {
    version: control.version,
    uptimeSeconds: Math.round((control.clock.now() - control.startedAt) / 100) / 10,
    ready: readiness.ready,
    readyReason: readiness.reason,
    store: {
      path: statePaths(control.paths.home).store,
      roles: sources.store?.roles.length ?? 0,
      error: sources.storeError,
    },
    services: { count: Object.keys(sources.services).length, error: sources.servicesError },
    registry: {
      path: control.paths.skillsDir,
      exists: index.exists,
      valid: index.skills.size,
      invalid: [...index.invalid.values()]
        .map((i) => ({ name: i.name, reason: i.reason }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    },
    watches: { count: info.watches.count, complete: info.watches.complete },
    queue: { depth: info.queue.waiting, active: info.queue.running },
    resync: {
      intervalMs: info.resync.intervalMs,
      nextAt: info.resync.nextAt === undefined ? undefined : new Date(info.resync.nextAt).toISOString(),
    },
    phases,
  };
}
