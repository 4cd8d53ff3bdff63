/** The role form's fields beyond one plain input: the model and skill pickers, an on/off box. */
import type { FC } from 'hono/jsx';
import { describedBy, Field } from '../components.tsx';
import type { ModelView, SkillView } from '../data.ts';
import type { FormErrors, RoleFormValues } from './role-form-values.ts';

/** The model picker: every catalog alias with its provider, the provider of the current pick shown beside it. */
export const ModelPicker: FC<{ values: RoleFormValues; errors: FormErrors; models: ModelView[] }> = ({
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
export const SkillPicker: FC<{ values: RoleFormValues; errors: FormErrors; skills: SkillView[] }> = ({
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
export const CheckField: FC<{
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
