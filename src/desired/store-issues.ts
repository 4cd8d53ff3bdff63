/** zod issues of the store and of role edits, phrased for users: `roles[2].model: problem`. */
import type { z } from 'zod';

/** `roles[2].model: problem`, plus how many other issues there are. */
export function describeIssues(error: z.ZodError): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'invalid store';
  const problem = first.code === 'unrecognized_keys' ? 'unknown key' : first.message;
  return `${issuePath(first)}: ${problem}${rest.length ? ` (and ${rest.length} more issue${rest.length > 1 ? 's' : ''})` : ''}`;
}

/** The issue's path in JS accessor form; an unknown key is named as part of the path. */
export function issuePath(issue: z.core.$ZodIssue): string {
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  return formatPath(path);
}

/** ['roles', 2, 'model'] → roles[2].model; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}
