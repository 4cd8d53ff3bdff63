/** The Roles tab: the table of roles, refreshed live. */
import type { FC } from 'hono/jsx';
import { ColumnHeads, Flag, PhaseBadge, Time } from '../components.tsx';
import type { RoleView } from '../data.ts';

/** The roles table (also the fragment the live update fetches). */
export const RolesTable: FC<{ roles: RoleView[] }> = ({ roles }) =>
  roles.length === 0 ? (
    <p>
      No roles yet. <a href="role-new">Create the first role</a>.
    </p>
  ) : (
    <table aria-label="Roles">
      <thead>
        <tr>
          <ColumnHeads names={['Name', 'Model', 'Provider', 'Thinking', 'Skills', 'Phase', 'Last reconcile']} />
        </tr>
      </thead>
      <tbody>
        {roles.map((r) => (
          <tr data-role={r.name}>
            <th scope="row">
              <a href={`role-edit?name=${encodeURIComponent(r.name)}`}>{r.name}</a>
            </th>
            <td>{r.model}</td>
            <td>{r.provider ?? <span class="muted">unknown</span>}</td>
            <td>
              <Flag on={r.thinking} />
            </td>
            <td>{r.skills.length}</td>
            <td>
              <PhaseBadge phase={r.phase} />
              {r.reason ? <div class="muted">{r.reason}</div> : null}
            </td>
            <td>
              <Time at={r.lastReconcileAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

/** The Roles tab's content. */
export const RolesPage: FC<{ roles: RoleView[] }> = ({ roles }) => (
  <section aria-labelledby="roles-h">
    <h2 id="roles-h">Roles</h2>
    <p>
      <a href="role-new">New role</a>
    </p>
    <div id="roles-live" hx-get="roles-table" hx-trigger="sse:status delay:150ms" hx-swap="innerHTML">
      <RolesTable roles={roles} />
    </div>
  </section>
);
