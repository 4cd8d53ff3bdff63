/** The role create/edit form, with the server's validation errors beside each field. */
import type { FC } from 'hono/jsx';
import { describedBy, ErrorBox, Field } from '../components.tsx';
import type { ModelView, SkillView } from '../data.ts';

/** What the form holds (as typed by the user, so a rejected form comes back unchanged). */
export interface RoleFormValues {
  name: string;
  model: string;
  skills: string[];
  mcp: string;
  context: string;
  thinking: boolean;
  yolo: boolean;
  drift: string;
  description: string;
  /** The generation the form was loaded at (edit only): a concurrent change is reported, not overwritten. */
  expectedGeneration?: number;
}

/** Field name → message; `form` for errors that belong to no single field. */
export type FormErrors = Partial<Record<keyof RoleFormValues | 'form', string>>;

/** Props of the form. */
export interface RoleFormProps {
  values: RoleFormValues;
  errors: FormErrors;
  editing: boolean;
  models: ModelView[];
  skills: SkillView[];
}

/** The model picker: every catalog alias with its provider, the provider of the current pick shown beside it. */
const ModelPicker: FC<{ values: RoleFormValues; errors: FormErrors; models: ModelView[] }> = ({
  values,
  errors,
  models,
}) => {
  const known = models.some((m) => m.alias === values.model);
  const picked = models.find((m) => m.alias === values.model);
  return (
    <Field id="f-model" label="Model" error={errors.model}>
      <div>
        <select
          id="f-model"
          name="model"
          required
          data-provider-out="f-provider"
          {...describedBy('f-model', errors.model)}
        >
          {known || !values.model ? null : (
            <option value={values.model} selected>
              {values.model} (not in the catalog)
            </option>
          )}
          {models.map((m) => (
            <option value={m.alias} data-provider={m.provider} selected={m.alias === values.model}>
              {m.alias}
            </option>
          ))}
        </select>
        <div>
          Provider: <output id="f-provider">{picked?.provider ?? ''}</output>
        </div>
      </div>
    </Field>
  );
};

/** The skill whitelist: a multiple select of the valid registry skills, with a filter box (admin.js). */
const SkillPicker: FC<{ values: RoleFormValues; errors: FormErrors; skills: SkillView[] }> = ({
  values,
  errors,
  skills,
}) => {
  const chosen = new Set(values.skills);
  const names = skills.filter((s) => s.valid || chosen.has(s.name)).map((s) => s.name);
  for (const name of values.skills) if (!names.includes(name)) names.push(name);
  return (
    <>
      <Field id="f-skill-filter" label="Filter skills">
        <input type="search" id="f-skill-filter" data-filter-for="f-skills" autocomplete="off" />
      </Field>
      <Field
        id="f-skills"
        label="Skills"
        error={errors.skills}
        hint={`${chosen.size} selected; Ctrl/Cmd-click to pick several.`}
      >
        <select id="f-skills" name="skills" multiple size={8} {...describedBy('f-skills', errors.skills, true)}>
          {names.map((n) => (
            <option value={n} selected={chosen.has(n)}>
              {n}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
};

/** An on/off field of the form (posts "on" when checked). */
const CheckField: FC<{
  name: 'thinking' | 'yolo';
  label: string;
  values: RoleFormValues;
  errors: FormErrors;
  hint?: string;
}> = ({ name, label, values, errors, hint }) => (
  <Field id={`f-${name}`} label={label} error={errors[name]} hint={hint}>
    <input
      type="checkbox"
      id={`f-${name}`}
      name={name}
      value="on"
      checked={values[name]}
      {...describedBy(`f-${name}`, errors[name], hint !== undefined)}
    />
  </Field>
);

/** The buttons of an existing role: delete (confirmed), render and write its config. */
const RoleActions: FC<{ name: string }> = ({ name }) => (
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
