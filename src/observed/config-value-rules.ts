/** The rules one value of a Kimi config file is checked by (config-rule-engine.ts applies them by key). */

/** A TOML table or JSON object. */
export type Table = Record<string, unknown>;

/** Checks one value, named `at` in the problems it records (absent keys arrive as undefined). */
export type Rule = (value: unknown, at: string, out: string[]) => void;

/** The rule, only when the key is present. */
export function optional(rule: Rule): Rule {
  return (value, at, out) => {
    if (value !== undefined) rule(value, at, out);
  };
}

/** A string. */
export const string: Rule = (value, at, out) => {
  if (typeof value !== 'string') out.push(`${at} must be a string`);
};

/** A boolean. */
export const boolean: Rule = (value, at, out) => {
  if (typeof value !== 'boolean') out.push(`${at} must be a boolean`);
};

/** A string→string map. */
export const stringMap: Rule = (value, at, out) => {
  if (!isTable(value) || Object.values(value).some((v) => typeof v !== 'string'))
    out.push(`${at} must map strings to strings`);
};

/** An integer, at least `min` when given. */
export function integer(min?: number): Rule {
  return (value, at, out) => {
    if (!Number.isInteger(value) || (min !== undefined && (value as number) < min))
      out.push(`${at} must be an integer${min === undefined ? '' : ` ≥ ${min}`}`);
  };
}

/** One of `values` (`note` follows the list). */
export function oneOf(values: readonly unknown[], note = ''): Rule {
  return (value, at, out) => {
    if (!values.includes(value)) out.push(`${at} must be one of ${values.join(', ')}${note}`);
  };
}

/** A list of strings, each one of `values` when given. */
export function listOf(values?: readonly string[]): Rule {
  return (value, at, out) => {
    const ok = (v: unknown) => (values ? values.includes(v as string) : typeof v === 'string');
    if (!(Array.isArray(value) && value.every(ok)))
      out.push(`${at} must be a list of ${values?.join(', ') ?? 'strings'}`);
  };
}

/** True for a plain object (TOML table / JSON object). */
export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
