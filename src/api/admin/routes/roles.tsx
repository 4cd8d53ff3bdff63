/** Routes of the Roles tab: table, create/edit form, save, delete, render and write config. */
import type { Context, Hono } from 'hono';
import { CodeBlock, ErrorBox } from '../components.tsx';
import { type RoleView, readModels, readRegistry, readRole, readRoles, renderedText } from '../data.ts';
import { type AdminDeps, isRpcError } from '../deps.ts';
import { type FormBody, formErrorsOf, formString, formValues, newValues, roleParam, valuesOf } from '../forms.ts';
import { type FormErrors, RoleForm, type RoleFormValues } from '../pages/role-form.tsx';
import { RolesPage, RolesTable } from '../pages/roles.tsx';
import { isHtmx, type MountInfo, sendPage, sendPart, sendRedirect } from '../render.tsx';
import { OutcomeView } from './outcome.tsx';

/** Render the form page (or the form alone for htmx). */
async function sendForm(
  c: Context,
  deps: AdminDeps,
  at: MountInfo,
  values: RoleFormValues,
  errors: FormErrors,
  editing: boolean,
  status: 200 | 422 = 200,
) {
  const [models, skills] = await Promise.all([readModels(deps), readRegistry(deps)]);
  const form = (
    <RoleForm values={values} errors={errors} editing={editing} models={[...models.values()]} skills={skills} />
  );
  if (isHtmx(c)) return c.html(form, 200); // errors are in the form (see sendPart)
  const title = editing ? `Role ${values.name}` : 'New role';
  return sendPage(
    c,
    at,
    'roles',
    title,
    <section aria-labelledby="form-h">
      <h2 id="form-h">{title}</h2>
      <p>
        <a href="roles">Back to roles</a>
      </p>
      {form}
    </section>,
    status,
  );
}

/** The role named by the form, or an error answer. */
async function formRole(c: Context, deps: AdminDeps): Promise<{ name: string; body: FormBody; role?: RoleView }> {
  const body = (await c.req.parseBody({ all: true })) as FormBody;
  const name = formString(body, 'name');
  return { name, body, role: name ? await readRole(deps, name) : undefined };
}

/** An API error as a message in the page's output area. */
function sendFailure(c: Context, at: MountInfo, err: unknown) {
  if (!isRpcError(err)) throw err;
  return sendPart(c, at, 'roles', 'Error', <ErrorBox message={`${err.message} (code ${err.code})`} />, 422);
}

/** Register the Roles routes. */
export function registerRoles(app: Hono, deps: AdminDeps, at: MountInfo): void {
  const rolesPage = async (c: Context) =>
    sendPage(c, at, 'roles', 'Roles', <RolesPage roles={await readRoles(deps)} />);
  app.get('/', rolesPage);
  app.get('/roles', rolesPage);
  app.get('/roles-table', async (c) => c.html(<RolesTable roles={await readRoles(deps)} />));

  app.get('/role-new', async (c) => {
    const models = await readModels(deps);
    return sendForm(c, deps, at, newValues(models.keys().next().value ?? ''), {}, false);
  });
  app.get('/role-edit', async (c) => {
    const role = await readRole(deps, c.req.query('name') ?? '');
    if (!role)
      return sendPage(
        c,
        at,
        'roles',
        'Unknown role',
        <ErrorBox message={`No role named "${c.req.query('name') ?? ''}".`} />,
        404,
      );
    return sendForm(c, deps, at, valuesOf(role), {}, true);
  });

  app.post('/role-save', async (c) => {
    const values = formValues((await c.req.parseBody({ all: true })) as FormBody);
    const editing = values.expectedGeneration !== undefined;
    try {
      await deps.call('role_upsert', {
        role: roleParam(values),
        ...(editing ? { expectedGeneration: values.expectedGeneration } : {}),
      });
    } catch (err) {
      return sendForm(c, deps, at, values, formErrorsOf(err), editing, 422);
    }
    return sendRedirect(c, 'roles');
  });

  app.post('/role-delete', async (c) => {
    const { name, body, role } = await formRole(c, deps);
    if (!role) return sendPart(c, at, 'roles', 'Unknown role', <ErrorBox message={`No role named "${name}".`} />, 404);
    if (formString(body, 'confirm') !== 'yes') {
      return sendPage(
        c,
        at,
        'roles',
        `Delete ${name}`,
        <form method="post" action="role-delete">
          <p>Delete role "{name}"? Its generated files are removed (hand edits are backed up first).</p>
          <input type="hidden" name="name" value={name} />
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit">Delete</button> <a href={`role-edit?name=${encodeURIComponent(name)}`}>Cancel</a>
        </form>,
      );
    }
    try {
      await deps.call('role_delete', { name });
    } catch (err) {
      return sendFailure(c, at, err);
    }
    return sendRedirect(c, 'roles');
  });

  app.post('/role-render', async (c) => {
    const { name } = await formRole(c, deps);
    try {
      const files = await Promise.all(
        ['config.toml', 'mcp.json'].map(async (file) => ({
          file,
          text: renderedText(await deps.call('config_render', { role: name, file })),
        })),
      );
      return sendPart(
        c,
        at,
        'roles',
        `Render ${name}`,
        <div data-rendered={name}>
          <p>What hero_team would write for "{name}" now (nothing was written; keys redacted):</p>
          {files.map((f) => (
            <>
              <h3>{f.file}</h3>
              <CodeBlock label={`Rendered ${f.file}`}>{f.text}</CodeBlock>
            </>
          ))}
        </div>,
      );
    } catch (err) {
      return sendFailure(c, at, err);
    }
  });

  app.post('/role-write', async (c) => {
    const { name } = await formRole(c, deps);
    try {
      const outcome = await deps.call('config_write', { role: name });
      return sendPart(c, at, 'roles', `Write ${name}`, <OutcomeView role={name} outcome={outcome} />);
    } catch (err) {
      return sendFailure(c, at, err);
    }
  });
}
