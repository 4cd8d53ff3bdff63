/** The Skills tab: the registry, filtered and paged, with the per-role checkbox matrix and stale flags. */
import type { FC } from 'hono/jsx';
import { ColumnHeads } from '../components.tsx';
import type { RoleSkillView, RoleView, SkillView } from '../data.ts';

/** Rows per page: 10,000 skills never render at once. */
export const PAGE_SIZE = 50;
/** Role columns shown at once (50 rows × 100 roles would be 5,000 checkboxes); the user picks which. */
export const MAX_COLUMNS = 12;

/** One page of the filtered registry. */
export interface SkillsPageData {
  q: string;
  page: number;
  pages: number;
  /** Names of every role (the matrix shows `roles`, a chosen subset). */
  allRoles: string[];
  total: number;
  registrySize: number;
  skills: SkillView[];
  roles: RoleView[];
  /** Per role, its whitelisted skills with md5 and staleness. */
  roleSkills: Map<string, Map<string, RoleSkillView>>;
}

/** Skills whose name, description or tags contain `q` (case-insensitive). */
export function filterSkills(skills: SkillView[], q: string): SkillView[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return skills;
  return skills.filter(
    (s) =>
      s.name.includes(needle) ||
      s.description?.toLowerCase().includes(needle) ||
      s.tags.some((t) => t.toLowerCase().includes(needle)),
  );
}

/** Cut one page out of the filtered registry. */
export function pageOf(
  all: SkillView[],
  q: string,
  page: number,
): Pick<SkillsPageData, 'q' | 'page' | 'pages' | 'total' | 'registrySize' | 'skills'> {
  const filtered = filterSkills(all, q);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  return {
    q,
    page: p,
    pages,
    total: filtered.length,
    registrySize: all.length,
    skills: filtered.slice((p - 1) * PAGE_SIZE, p * PAGE_SIZE),
  };
}

/** The query of a matrix view: filter, page and the role columns shown. */
const query = (data: Pick<SkillsPageData, 'q' | 'roles'>, page: number) =>
  [
    `q=${encodeURIComponent(data.q)}`,
    `page=${page}`,
    ...data.roles.map((r) => `cols=${encodeURIComponent(r.name)}`),
  ].join('&');

/** One matrix cell: the checkbox (its own accessible name) and the stale flag in words. */
const Cell: FC<{ role: string; skill: string; on: boolean; state?: RoleSkillView }> = ({ role, skill, on, state }) => (
  <td class="cell">
    <input
      type="checkbox"
      name="on"
      value={`${role}/${skill}`}
      checked={on}
      aria-label={`${skill} for ${role}`}
      hx-post="skills-toggle"
      hx-vals={JSON.stringify({ role, skill })}
    />
    {on && state?.stale ? (
      <span class="badge warn" data-stale={`${role}/${skill}`} title="the copy on disk differs from the registry">
        <span aria-hidden="true">⟳</span> stale
      </span>
    ) : null}
  </td>
);

/** The table (the fragment the filter, the pager and the live update fetch). */
export const SkillsTable: FC<{ data: SkillsPageData }> = ({ data }) => (
  <div
    id="skills-table"
    hx-get={`skills-table?${query(data, data.page)}`}
    hx-trigger="sse:status delay:300ms"
    hx-swap="outerHTML"
  >
    <form method="post" action="skills-save">
      <input type="hidden" name="q" value={data.q} />
      <input type="hidden" name="page" value={String(data.page)} />
      {data.skills.map((s) => (
        <input type="hidden" name="shown" value={s.name} />
      ))}
      {data.roles.map((r) => (
        <input type="hidden" name="cols" value={r.name} />
      ))}
      <p class="muted" aria-live="polite">
        {data.total} of {data.registrySize} skills; page {data.page} of {data.pages}; {data.roles.length} of{' '}
        {data.allRoles.length} roles shown.
      </p>
      {/* Each checkbox posts on change (an input's default htmx trigger) and swaps nothing: live updates redraw. */}
      <table class="matrix" aria-label="Skills registry and per-role whitelist" hx-swap="none">
        <thead>
          <tr>
            <ColumnHeads names={['Name', 'Description', 'Tags', 'md5', 'Valid', ...data.roles.map((r) => r.name)]} />
          </tr>
        </thead>
        <tbody>
          {data.skills.map((s) => (
            <tr data-skill={s.name}>
              <th scope="row">{s.name}</th>
              <td>{s.description ?? ''}</td>
              <td>{s.tags.join(', ')}</td>
              <td>
                <code>{s.md5 ? s.md5.slice(0, 8) : ''}</code>
              </td>
              <td>{s.valid ? <span class="ok">✓ valid</span> : <span class="bad">✗ {s.reason ?? 'invalid'}</span>}</td>
              {data.roles.map((r) => (
                <Cell
                  role={r.name}
                  skill={s.name}
                  on={r.skills.includes(s.name)}
                  state={data.roleSkills.get(r.name)?.get(s.name)}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <noscript>
        <button type="submit">Save ticks</button>
      </noscript>
    </form>
    <nav class="pager" aria-label="Pages">
      {data.page > 1 ? (
        <a
          href={`skills?${query(data, data.page - 1)}`}
          hx-get={`skills-table?${query(data, data.page - 1)}`}
          hx-target="#skills-table"
          hx-swap="outerHTML"
        >
          Previous page
        </a>
      ) : null}
      {data.page < data.pages ? (
        <a
          href={`skills?${query(data, data.page + 1)}`}
          hx-get={`skills-table?${query(data, data.page + 1)}`}
          hx-target="#skills-table"
          hx-swap="outerHTML"
        >
          Next page
        </a>
      ) : null}
    </nav>
  </div>
);

/** The Skills tab's content. */
export const SkillsPage: FC<{ data: SkillsPageData }> = ({ data }) => (
  <section aria-labelledby="skills-h">
    <h2 id="skills-h">Skills</h2>
    <form method="get" action="skills" class="actions">
      <label for="skill-q">Filter</label>
      <input
        type="search"
        id="skill-q"
        name="q"
        value={data.q}
        hx-get="skills-table"
        hx-include="closest form"
        hx-trigger="input changed delay:250ms, search"
        hx-target="#skills-table"
        hx-swap="outerHTML"
      />
      <button type="submit">Apply filter</button>
      <details>
        <summary>
          Roles shown ({data.roles.length} of {data.allRoles.length})
        </summary>
        <fieldset class="actions">
          <legend>Role columns (at most {MAX_COLUMNS})</legend>
          {data.allRoles.map((name) => (
            <label>
              <input type="checkbox" name="cols" value={name} checked={data.roles.some((r) => r.name === name)} />{' '}
              {name}
            </label>
          ))}
        </fieldset>
      </details>
    </form>
    <form id="sync-form" method="post" action="skills-sync" hx-post="skills-sync" hx-target="#sync-output">
      <fieldset class="actions">
        <legend>Roles to sync</legend>
        {data.allRoles.map((name) => (
          <label>
            <input type="checkbox" name="roles" value={name} /> {name}
          </label>
        ))}
        <button type="submit">Sync</button>
      </fieldset>
    </form>
    <div id="sync-output" aria-live="polite"></div>
    <SkillsTable data={data} />
  </section>
);
