/** The paths a reconcile looks at (desired ∪ manifest) and the skills/ entries they own. */
import { type Manifest, skillsEntryOf } from '../../observed/role-files.ts';
import type { DesiredRole } from '../artifacts.ts';

/** The paths a reconcile looks at, and the top-level skills/ entries among them. */
export interface PathSet {
  paths: ReadonlySet<string>;
  ownedTop: ReadonlySet<string>;
}

/** The paths of `desired` and `manifest`. */
export function pathsOf(desired: DesiredRole | null, manifest: Manifest | null): PathSet {
  const paths = new Set<string>();
  const ownedTop = new Set<string>();
  for (const p of desired?.files ?? []) addPath(p.path, paths, ownedTop);
  for (const e of manifest?.entries ?? []) addPath(e.path, paths, ownedTop);
  return { paths, ownedTop };
}

/** Add a role-relative path, and its top-level skills/ entry to `ownedTop`. */
function addPath(path: string, paths: Set<string>, ownedTop: Set<string>): void {
  paths.add(path);
  const entry = skillsEntryOf(path);
  if (entry !== undefined) ownedTop.add(entry);
}
