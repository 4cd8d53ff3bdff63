/** The Skills tab's table: the registry page with the per-role checkbox matrix, stale flags and the pager. */
import type { FC } from 'hono/jsx';
import { ColumnHeads } from '../components.tsx';
import type { RoleSkillView } from '../data.ts';
import type { SkillsPageData } from './skills-data.ts';

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
