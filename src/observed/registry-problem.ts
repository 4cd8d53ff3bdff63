/** Whether the registry as a whole can be trusted when skills are missing from it. */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { child, isIgnoredName, statOrNone } from './registry-entries.ts';

/**
 * Why the registry at `root` cannot be trusted to say that a skill is gone: it is missing, not a directory,
 * unreadable, or holds no skill at all (a re-clone half done, an unmounted disk). Undefined when it holds at
 * least one skill. Reads the root listing and stops at the first skill found; called only when skills are missing.
 */
export function registryProblem(root: string): string | undefined {
  let names: Dirent[];
  try {
    const st = statSync(root, { throwIfNoEntry: false });
    if (!st) return `the skills registry ${root} is missing`;
    if (!st.isDirectory()) return `the skills registry ${root} is not a directory`;
    names = readdirSync(root, { withFileTypes: true });
  } catch (err) {
    return `the skills registry ${root} is unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  for (const e of names) {
    if (isIgnoredName(e.name)) continue;
    if (/\.md$/i.test(e.name) && !e.isDirectory()) return undefined;
    if ((e.isDirectory() || e.isSymbolicLink()) && statOrNone(child(root, `${e.name}/SKILL.md`), true)?.isFile())
      return undefined;
  }
  return `the skills registry ${root} holds no skill`;
}
