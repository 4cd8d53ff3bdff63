/** Built-in hooks of a role: the scripts under `hooks/` and their `[[hooks]]` entries (kimi-cli-format §1.8, §5). */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { assetsDir } from '../../desired/assets.ts';
import { HOOK_NAMES, HOOK_WIRING, type HookName } from '../../desired/hook-catalog.ts';

/** One `[[hooks]]` table, with Kimi's field names. */
export interface HookEntry {
  event: string;
  command: string;
  matcher: string;
  timeout: number;
}

/** Mode of a hook script: Kimi runs it by path through `/bin/sh -c`. */
export const HOOK_SCRIPT_MODE = 0o755;

const scripts = new Map<HookName, string>();

/** A built-in hook's script text (a package asset: constant for the life of the process, read once). */
export function hookScript(name: HookName): string {
  let text = scripts.get(name);
  if (text === undefined) scripts.set(name, (text = readFileSync(join(assetsDir(), 'hooks', name), 'utf8')));
  return text;
}

/** A word for `/bin/sh -c`: single-quoted, so a role directory with spaces or `$` stays one literal word. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The hooks a role picked, in catalog order without duplicates. */
export function roleHooks(hooks: readonly string[] | undefined): HookName[] {
  return HOOK_NAMES.filter((name) => hooks?.includes(name));
}

/**
 * `[[hooks]]` entries for the picked hooks. Matchers are anchored (Kimi matches with a regex search, so
 * `Shell` alone would also match `ShellX`); `shellTool` is the target's name for its shell tool.
 */
export function hookEntries(hooks: readonly HookName[], roleDir: string, role: string, shellTool: string): HookEntry[] {
  const entries: HookEntry[] = [];
  for (const name of hooks) {
    const script = shellQuote(posix.join(roleDir, 'hooks', name));
    const command = name === 'notify' ? `${script} ${shellQuote(role)}` : script;
    for (const w of HOOK_WIRING[name]) {
      entries.push({
        event: w.event,
        command,
        matcher: w.matcher === 'shell' ? `^${shellTool}$` : '',
        timeout: w.timeout,
      });
    }
  }
  return entries;
}
