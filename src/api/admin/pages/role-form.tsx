/**
 * The role create/edit form, with the server's validation errors beside each field. The entry point; beside it
 * role-form-values.ts (what the form holds), role-form-fields.tsx (the pickers and on/off boxes) and
 * role-actions.tsx (an existing role's buttons).
 */
import type { FC } from 'hono/jsx';
import { describedBy, ErrorBox, Field } from '../components.tsx';
import type { ModelView, SkillView } from '../data.ts';
import { RoleActions } from './role-actions.tsx';
import { CheckField, ModelPicker, SkillPicker } from './role-form-fields.tsx';
import type { FormErrors, RoleFormValues } from './role-form-values.ts';

export type { FormErrors, RoleFormValues } from './role-form-values.ts';

/** Props of the form. */
export interface RoleFormProps {
  values: RoleFormValues;
  errors: FormErrors;
  editing: boolean;
  models: ModelView[];
  skills: SkillView[];
}

/** The whole form. */
export const RoleForm: FC<RoleFormProps> = ({ values, errors, editing, models, skills }) => (
  <form
    id="role-form"
    method="post"
    action="role-save"
    hx-post="role-save"
    hx-target="this"
    hx-swap="outerHTML"
    novalidate
  >
    {errors.form ? <ErrorBox message={errors.form} /> : null}
    {values.expectedGeneration !== undefined ? (
      <input type="hidden" name="expectedGeneration" value={String(values.expectedGeneration)} />
    ) : null}
    <Field
      id="f-name"
      label="Name"
      error={errors.name}
      hint={editing ? 'The name is the directory name and cannot change.' : 'Lowercase letters, digits, "-" and "_".'}
    >
      <input
        type="text"
        id="f-name"
        name="name"
        value={values.name}
        readonly={editing}
        required
        autocomplete="off"
        {...describedBy('f-name', errors.name, true)}
      />
    </Field>
    <ModelPicker values={values} errors={errors} models={models} />
    <SkillPicker values={values} errors={errors} skills={skills} />
    <Field
      id="f-mcp"
      label="MCP services"
      error={errors.mcp}
      hint='Comma-separated names from services.json, or "*" for all.'
    >
      <input type="text" id="f-mcp" name="mcp" value={values.mcp} {...describedBy('f-mcp', errors.mcp, true)} />
    </Field>
    <Field id="f-context" label="Context limit" error={errors.context} hint="Tokens; empty: the model's own limit.">
      <input
        type="number"
        id="f-context"
        name="context"
        min="1"
        value={values.context}
        {...describedBy('f-context', errors.context, true)}
      />
    </Field>
    <CheckField name="thinking" label="Thinking" values={values} errors={errors} />
    <CheckField name="yolo" label="Yolo" values={values} errors={errors} hint="Run tools without asking." />
    <Field
      id="f-drift"
      label="Drift policy"
      error={errors.drift}
      hint="revert: hand edits are backed up and overwritten; report: kept and flagged."
    >
      <select id="f-drift" name="drift" {...describedBy('f-drift', errors.drift, true)}>
        <option value="revert" selected={values.drift !== 'report'}>
          revert
        </option>
        <option value="report" selected={values.drift === 'report'}>
          report
        </option>
      </select>
    </Field>
    <Field id="f-description" label="Description" error={errors.description}>
      <textarea id="f-description" name="description" rows={2} {...describedBy('f-description', errors.description)}>
        {values.description}
      </textarea>
    </Field>
    <div class="actions">
      <button type="submit">Save</button>
    </div>
    {editing ? <RoleActions name={values.name} /> : null}
    <div id="role-output" aria-live="polite"></div>
  </form>
);
