/**
 * The Skills tab: the registry, filtered and paged, with the per-role checkbox matrix and stale flags. The entry
 * point (the filter, the role columns and the sync form); beside it skills-data.ts (the page of the registry) and
 * skills-table.tsx (the matrix and the pager).
 */
import type { FC } from 'hono/jsx';
import { MAX_COLUMNS, type SkillsPageData } from './skills-data.ts';
import { SkillsTable } from './skills-table.tsx';

export { filterSkills, MAX_COLUMNS, PAGE_SIZE, pageOf, type SkillsPageData } from './skills-data.ts';
export { SkillsTable } from './skills-table.tsx';

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
