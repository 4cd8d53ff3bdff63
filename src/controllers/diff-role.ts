/** Compute a role's diff: a dry-run reconcile says what differs, both sides are read, buildRoleDiff shows it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { statePaths } from '../config.ts';
import { effectiveCatalog } from '../desired/catalog-defaults.ts';
import { errorMessage, InvalidSpecError } from '../errors.ts';
import { listManagedRoleDirs } from '../observed/role-dir.ts';
import { inspectRolePath } from '../observed/role-path.ts';
import { readProviderSecrets } from '../observed/secrets.ts';
import type { DesiredFile } from './artifacts.ts';
import { buildRoleDiff, type FileSides, type Redact, type RoleDiff, secretRedactor } from './diff.ts';
import type { Plan } from './plan.ts';
import { type ReconcileDeps, reconcileRole } from './reconcile.ts';
import { redactMcpServers } from './render/mcp-json.ts';

/** A role's diff; undefined when it is neither declared nor managed. InvalidSpecError for an unrenderable spec. */
export async function diffRole(name: string, deps: ReconcileDeps): Promise<RoleDiff | undefined> {
  const outcome = await reconcileRole(name, deps, { dryRun: true });
  if (outcome.kind === 'absent' || !outcome.plan) return undefined;
  const redact = await redactorFor(deps);
  return buildRoleDiff(
    name,
    gatherSides(outcome.plan, outcome.desired?.files ?? []),
    outcome.plan.drift.filter((d) => d.kind === 'stray').map((d) => d.path),
    redact,
  );
}

/** Diffs of several roles: every declared role and managed directory when `names` is undefined. */
export interface RoleDiffs {
  converged: boolean;
  roles: RoleDiff[];
  /** Roles that could not be compared: unknown, or a spec that cannot be rendered. */
  errors: { role: string; error: string }[];
}

/** Diff the named roles (default: every declared role and every managed directory). */
export async function diffRoles(names: readonly string[] | undefined, deps: ReconcileDeps): Promise<RoleDiffs> {
  const all =
    names ??
    [
      ...new Set([...deps.store().roles.map((r) => r.name), ...(await listManagedRoleDirs(deps.paths.rolesDir))]),
    ].sort();
  const out: RoleDiffs = { converged: true, roles: [], errors: [] };
  for (const name of all) {
    try {
      const d = await diffRole(name, deps);
      if (d) out.roles.push(d);
      else out.errors.push({ role: name, error: 'no such role and no managed directory' });
    } catch (err) {
      if (!(err instanceof InvalidSpecError)) throw err;
      out.errors.push({ role: name, error: errorMessage(err) });
    }
  }
  out.converged = !out.errors.length && out.roles.every((d) => d.converged);
  return out;
}

/** Redaction with the real key values of every catalog provider (they are replaced, never shown). */
async function redactorFor(deps: ReconcileDeps): Promise<Redact> {
  const secrets = await readProviderSecrets(
    statePaths(deps.paths.home).secrets,
    deps.env,
    effectiveCatalog(deps.store().catalog),
  );
  return secretRedactor(secrets, redactMcpServers);
}

/** Both sides of every path the plan would write or delete, and of every difference it only reports. */
function gatherSides(plan: Plan, desiredFiles: readonly DesiredFile[]): FileSides[] {
  const desired = new Map(desiredFiles.map((f) => [f.path, f]));
  const sides = new Map<string, FileSides>();
  const disk = (path: string) => {
    const st = inspectRolePath(plan.dir, path);
    return st.kind === 'file' ? { bytes: readFileSync(join(plan.dir, path)), mode: st.mode } : undefined;
  };
  for (const w of plan.writes) {
    const now = disk(w.file.path);
    const change = w.reason === 'mode' ? 'mode' : now ? 'modified' : 'added';
    sides.set(w.file.path, {
      path: w.file.path,
      change,
      disk: now?.bytes,
      diskMode: now?.mode,
      desired: bytesOf(w.file),
      desiredMode: w.file.mode,
    });
  }
  for (const d of plan.deletes) sides.set(d.path, { path: d.path, change: 'removed', disk: disk(d.path)?.bytes });
  for (const item of plan.drift) {
    if (item.action !== 'reported' || item.kind === 'stray' || sides.has(item.path)) continue;
    if (item.kind === 'conflict') sides.set(item.path, { path: item.path, change: 'conflict' });
    else {
      const want = desired.get(item.path);
      sides.set(item.path, {
        path: item.path,
        change: 'held',
        disk: disk(item.path)?.bytes,
        desired: want ? bytesOf(want) : undefined,
      });
    }
  }
  return [...sides.values()];
}

/** The bytes hero_team would write for a desired file. */
function bytesOf(file: DesiredFile): Buffer {
  return file.source.kind === 'bytes' ? file.source.bytes : readFileSync(file.source.from);
}
