/** List flags (`--skills`, `--mcp`): a full replacement, or additions and removals to the role's current list. */
import { InputError } from '../errors.ts';
import { splitList } from './args.ts';

/** A list flag as given: a full replacement, or additions and removals to an existing list. */
export interface ListEdit {
  replace?: string[];
  add: string[];
  remove: string[];
}

/** Parse `a,b` (replace) or `+a,-b` (edit), plus the --add-/--remove- forms; mixing both styles is refused. */
export function listEdit(
  flag: string,
  list: string | undefined,
  add: string | undefined,
  remove: string | undefined,
): ListEdit | undefined {
  if (list === undefined && add === undefined && remove === undefined) return undefined;
  const edit: ListEdit = { add: splitList(add) ?? [], remove: splitList(remove) ?? [] };
  const items = splitList(list);
  if (items) {
    const signed = items.filter((i) => i.startsWith('+') || i.startsWith('-'));
    if (signed.length && signed.length !== items.length)
      throw new InputError(flag, `--${flag} takes either a full list (a,b) or edits (+a,-b), not both: got "${list}"`);
    if (!signed.length) {
      if (add !== undefined || remove !== undefined)
        throw new InputError(
          flag,
          `--${flag} with a full list replaces the whitelist: do not combine it with --add-${flag} or --remove-${flag}`,
        );
      edit.replace = items;
    }
    for (const i of signed) (i.startsWith('+') ? edit.add : edit.remove).push(i.slice(1).trim());
  }
  const both = edit.add.filter((i) => edit.remove.includes(i));
  if (both.length)
    throw new InputError(flag, `--${flag}: ${both.map((b) => `"${b}"`).join(', ')} both added and removed`);
  return edit;
}

/** The list after an edit: a replacement, or the current list plus additions minus removals; duplicates collapsed. */
export function applyListEdit(current: readonly string[], edit: ListEdit): string[] {
  const base = edit.replace ?? current;
  return [...new Set([...base, ...edit.add])].filter((i) => !edit.remove.includes(i));
}
