/** The role form ↔ `role_upsert` params, and the API's errors ↔ messages beside the form's fields. */
import type { RoleView } from './data.ts';
import { isRpcError } from './deps.ts';
import type { FormErrors, RoleFormValues } from './pages/role-form.tsx';

/** A parsed form body (`parseBody({ all: true })`). */
export type FormBody = Record<string, string | File | (string | File)[]>;

/** Every string value of a form field. */
export function formStrings(body: FormBody, key: string): string[] {
  const v = body[key];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

/** The first string value of a form field, or ''. */
export function formString(body: FormBody, key: string): string {
  return formStrings(body, key)[0] ?? '';
}

/** The role form's values from a posted body (a missing checkbox is false). */
export function formValues(body: FormBody): RoleFormValues {
  const gen = formString(body, 'expectedGeneration');
  return {
    name: formString(body, 'name').trim(),
    model: formString(body, 'model').trim(),
    skills: formStrings(body, 'skills')
      .map((s) => s.trim())
      .filter(Boolean),
    mcp: formString(body, 'mcp'),
    context: formString(body, 'context').trim(),
    thinking: formString(body, 'thinking') !== '',
    yolo: formString(body, 'yolo') !== '',
    drift: formString(body, 'drift') || 'revert',
    description: formString(body, 'description'),
    expectedGeneration: /^\d+$/.test(gen) ? Number(gen) : undefined,
  };
}

/** The form of an existing role. */
export function valuesOf(role: RoleView): RoleFormValues {
  return {
    name: role.name,
    model: role.model,
    skills: role.skills,
    mcp: role.mcp.join(', '),
    context: role.maxContextSize === undefined ? '' : String(role.maxContextSize),
    thinking: role.thinking,
    yolo: role.yolo,
    drift: role.driftPolicy,
    description: role.description ?? '',
    expectedGeneration: role.generation,
  };
}

/** Empty values of a new role. */
export function newValues(model = ''): RoleFormValues {
  return {
    name: '',
    model,
    skills: [],
    mcp: '',
    context: '',
    thinking: true,
    yolo: false,
    drift: 'revert',
    description: '',
  };
}

/**
 * The `role` param of `role_upsert` from form values. Values go to the API as typed (a context limit that is
 * not a number stays a string), so the API's validation, not the dashboard's, decides and names the field.
 */
export function roleParam(v: RoleFormValues): Record<string, unknown> {
  const role: Record<string, unknown> = {
    name: v.name,
    model: v.model,
    skills: v.skills,
    mcp: v.mcp
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    thinking: v.thinking,
    yolo: v.yolo,
    drift: v.drift,
  };
  if (v.context !== '') role.context = /^\d+$/.test(v.context) ? Number(v.context) : v.context;
  if (v.description.trim() !== '') role.description = v.description;
  return role;
}

/** The form's field for a param name of the API. */
const FIELD_OF: Record<string, keyof RoleFormValues> = {
  name: 'name',
  model: 'model',
  skills: 'skills',
  mcp: 'mcp',
  context: 'context',
  maxContextSize: 'context',
  thinking: 'thinking',
  yolo: 'yolo',
  drift: 'drift',
  driftPolicy: 'drift',
  description: 'description',
};

/** The issues of an invalid-params error (`data` is the zod issue list, bare or wrapped). */
function issuesOf(data: unknown): { path: unknown[]; message: string }[] {
  const list = Array.isArray(data)
    ? data
    : Array.isArray((data as { issues?: unknown })?.issues)
      ? (data as { issues: unknown[] }).issues
      : [];
  return list
    .filter((i): i is { path?: unknown; message: string } => typeof (i as { message?: unknown })?.message === 'string')
    .map((i) => ({ path: Array.isArray(i.path) ? i.path : [], message: i.message }));
}

/** Messages per form field from a failed `role_upsert`; rethrows what is not an API error. */
export function formErrorsOf(err: unknown): FormErrors {
  if (!isRpcError(err)) throw err;
  if (err.code === -32001)
    return {
      form: `The role changed since this form was loaded: ${err.message}. Reload the page to edit the current version.`,
    };
  const errors: FormErrors = {};
  const field = (err.data as { field?: unknown } | undefined)?.field;
  if (typeof field === 'string' && FIELD_OF[field]) errors[FIELD_OF[field]] = err.message;
  const issues = issuesOf(err.data);
  // A domain check names its problem in the error's message and the detail in the issue: show both.
  const specific = err.message !== 'Invalid params' && issues.length === 1;
  for (const issue of issues) {
    if (specific && !issue.message.includes(err.message)) issue.message = `${err.message} (${issue.message})`;
    const key = [...issue.path].reverse().find((p): p is string => typeof p === 'string' && FIELD_OF[p] !== undefined);
    const target = key ? FIELD_OF[key]! : 'form';
    errors[target] = errors[target] ? `${errors[target]}; ${issue.message}` : issue.message;
  }
  if (Object.keys(errors).length === 0) errors.form = err.message;
  return errors;
}
