/** Which registry entry a path under the registry root belongs to. */
import { relative, sep } from 'node:path';

/**
 * The skill name of a path at or below a registry entry: a directory skill's own name, or `<name>` for a flat
 * `<name>.md` directly in the registry. Undefined for the root itself, paths outside it and hidden entries.
 */
export function registryEntryOf(skillsDir: string, path: string): string | undefined {
  const rel = relative(skillsDir, path);
  if (!rel || rel.startsWith('..')) return undefined;
  const first = rel.split(sep)[0]!;
  // A flat skill is `<name>.md` directly in the registry; anything deeper belongs to the directory skill.
  const name = rel === first && /\.md$/i.test(first) ? first.replace(/\.md$/i, '') : first;
  return name.startsWith('.') ? undefined : name;
}
