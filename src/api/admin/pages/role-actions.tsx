/** The buttons of an existing role in its form. */
import type { FC } from 'hono/jsx';

/** The buttons of an existing role: delete (confirmed), render and write its config. */
export const RoleActions: FC<{ name: string }> = ({ name }) => (
  <div class="actions">
    <button type="submit" formaction="role-render" hx-post="role-render" hx-target="#role-output" hx-swap="innerHTML">
      Render config
    </button>
    <button type="submit" formaction="role-write" hx-post="role-write" hx-target="#role-output" hx-swap="innerHTML">
      Write config
    </button>
    <button
      type="submit"
      formaction="role-delete"
      hx-post="role-delete"
      hx-vals='{"confirm":"yes"}'
      hx-confirm={`Delete role "${name}"? Its generated files are removed (hand edits are backed up).`}
      hx-target="#role-output"
      hx-swap="innerHTML"
    >
      Delete
    </button>
  </div>
);
