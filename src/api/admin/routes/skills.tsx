/** Routes of the Skills tab: the paged matrix, ticking a skill for a role, and Sync. */
import type { Context, Hono } from 'hono';
import { ErrorBox } from '../components.tsx';
import { type RoleSkillView, readRegistry, readRole, readRoleSkills, readRoles } from '../data.ts';
import { type AdminDeps, isRpcError } from '../deps.ts';
import { type FormBody, formString, formStrings, roleParam, valuesOf } from '../forms.ts';
import { MAX_COLUMNS, pageOf, SkillsPage, type SkillsPageData, SkillsTable } from '../pages/skills.tsx';
import { type MountInfo, sendPage, sendPart } from '../render.tsx';
import { OutcomeView } from './outcome.tsx';

/** Load one page of the matrix: the filtered registry page, the role columns asked for, and their stale flags. */
export async function loadSkillsPage(
  deps: AdminDeps,
  q: string,
  page: number,
  cols: string[] = [],
): Promise<SkillsPageData> {
  const [registry, everyRole] = await Promise.all([readRegistry(deps), readRoles(deps)]);
  const asked = everyRole.filter((r) => cols.includes(r.name));
  const roles = (asked.length ? asked : everyRole).slice(0, MAX_COLUMNS);
  const md5 = new Map(registry.map((s) => [s.name, s.md5]));
  // Stale: the copy last synced differs from the registry as listed now (a registry edit shows before its reconcile).
  const withStale = (s: RoleSkillView): RoleSkillView => ({
    ...s,
    stale: s.stale || (md5.get(s.name) !== undefined && md5.get(s.name) !== s.syncedMd5),
  });
  const perRole = await Promise.all(
    roles.map(
      async (r) => [r.name, new Map((await readRoleSkills(deps, r.name)).map((s) => [s.name, withStale(s)]))] as const,
    ),
  );
  return {
    ...pageOf(registry, q, page),
    allRoles: everyRole.map((r) => r.name),
    roles,
    roleSkills: new Map<string, Map<string, RoleSkillView>>(perRole),
  };
}

const pageParams = (c: Context) => ({
  q: c.req.query('q') ?? '',
  page: Number(c.req.query('page') ?? 1) || 1,
  cols: c.req.queries('cols') ?? [],
});

/**
 * Add or remove skills of a role through `role_upsert` with the generation it was read at; on a conflict
 * (another change landed in between) read again and redo the edit, which is a set operation.
 */
export async function editWhitelist(deps: AdminDeps, name: string, edit: (skills: Set<string>) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const role = await readRole(deps, name);
    if (!role) throw { code: -32002, message: `role "${name}" does not exist` };
    const skills = new Set(role.skills);
    edit(skills);
    if (skills.size === role.skills.length && role.skills.every((s) => skills.has(s))) return;
    const values = { ...valuesOf(role), skills: [...skills].sort() };
    try {
      await deps.call('role_upsert', { role: roleParam(values), expectedGeneration: role.generation });
      return;
    } catch (err) {
      if (!isRpcError(err) || err.code !== -32001 || attempt >= 4) throw err;
    }
  }
}

/** Register the Skills routes. */
export function registerSkills(app: Hono, deps: AdminDeps, at: MountInfo): void {
  app.get('/skills', async (c) => {
    const { q, page, cols } = pageParams(c);
    return sendPage(c, at, 'skills', 'Skills', <SkillsPage data={await loadSkillsPage(deps, q, page, cols)} />);
  });
  app.get('/skills-table', async (c) => {
    const { q, page, cols } = pageParams(c);
    return c.html(<SkillsTable data={await loadSkillsPage(deps, q, page, cols)} />);
  });

  // One checkbox (htmx): tick or untick one skill for one role.
  app.post('/skills-toggle', async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const skill = formString(body, 'skill');
    const on = formString(body, 'on') !== '';
    try {
      await editWhitelist(deps, formString(body, 'role'), (s) => (on ? s.add(skill) : s.delete(skill)));
    } catch (err) {
      if (!isRpcError(err)) throw err;
      return c.text(err.message, 422); // shown in the message area (admin.js)
    }
    return c.body(null, 204);
  });

  // The page's ticks at once (without JavaScript): per role column shown, the skills shown become exactly those ticked.
  app.post('/skills-save', async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const shown = formStrings(body, 'shown');
    const cols = formStrings(body, 'cols');
    const ticked = formStrings(body, 'on').map((v) => v.split('/') as [string, string]);
    for (const role of (await readRoles(deps)).filter((r) => cols.includes(r.name))) {
      const want = new Set(ticked.filter(([r]) => r === role.name).map(([, s]) => s));
      await editWhitelist(deps, role.name, (s) => {
        for (const name of shown) {
          if (want.has(name)) s.add(name);
          else s.delete(name);
        }
      });
    }
    const back = [
      `q=${encodeURIComponent(formString(body, 'q'))}`,
      `page=${encodeURIComponent(formString(body, 'page') || '1')}`,
      ...cols.map((r) => `cols=${encodeURIComponent(r)}`),
    ];
    return c.redirect(`skills?${back.join('&')}`, 303);
  });

  app.post('/skills-sync', async (c) => {
    const roles = formStrings((await c.req.parseBody({ all: true })) as FormBody, 'roles');
    if (roles.length === 0)
      return sendPart(c, at, 'skills', 'Sync', <ErrorBox message="Tick at least one role to sync." />, 422);
    const results = await Promise.all(
      roles.map(async (role) => {
        try {
          return { role, outcome: await deps.call('skill_sync', { role }) };
        } catch (err) {
          if (!isRpcError(err)) throw err;
          return { role, outcome: { error: err.message } };
        }
      }),
    );
    return sendPart(
      c,
      at,
      'skills',
      'Sync',
      <div>
        {results.map((r) => (
          <OutcomeView role={r.role} outcome={syncOutcome(r.outcome, r.role)} />
        ))}
      </div>,
    );
  });
}

/** The entry of one role in a `skill_sync` result (which may list several roles). */
function syncOutcome(result: unknown, role: string): unknown {
  const list = Array.isArray(result) ? result : (result as { roles?: unknown })?.roles;
  if (Array.isArray(list))
    return (
      list.find(
        (e) => (e as { role?: unknown; name?: unknown })?.role === role || (e as { name?: unknown })?.name === role,
      ) ?? result
    );
  return result;
}
