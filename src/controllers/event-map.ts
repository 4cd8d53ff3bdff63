/** Pure mapping of watcher events to what must be re-read and which roles to wake. */
import { relative, sep } from 'node:path';
import { ROLE_NAME_RE } from '../desired/schema.ts';
import { registryEntryOf } from '../observed/registry-path.ts';
import { OWNED_TOP_LEVEL } from './render/targets/target.ts';

/** What a file event means. */
export type EventTarget =
  | { kind: 'skill'; skill: string }
  /** `path`: role-relative path of what changed ('' for the role directory itself). */
  | { kind: 'role'; role: string; path: string }
  | { kind: 'store' }
  | { kind: 'services' }
  | { kind: 'secrets' }
  | { kind: 'registry-root' }
  | { kind: 'none' };

/** Roots the mapper knows. */
export interface EventRoots {
  skillsDir: string;
  rolesDir: string;
  storeFile: string;
  servicesFile: string;
  secretsFile: string;
}

function firstSegment(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (!rel || rel.startsWith('..')) return undefined;
  return rel.split(sep)[0];
}

/** Map an absolute path from any watcher to its target. */
export function mapEventPath(roots: EventRoots, path: string): EventTarget {
  if (path === roots.storeFile) return { kind: 'store' };
  if (path === roots.servicesFile) return { kind: 'services' };
  if (path === roots.secretsFile) return { kind: 'secrets' };
  if (firstSegment(roots.skillsDir, path) !== undefined) {
    const skill = registryEntryOf(roots.skillsDir, path);
    return skill === undefined ? { kind: 'none' } : { kind: 'skill', skill };
  }
  const roleSeg = firstSegment(roots.rolesDir, path);
  if (roleSeg !== undefined && ROLE_NAME_RE.test(roleSeg)) {
    const rolePath = relative(roots.rolesDir, path)
      .slice(roleSeg.length + 1)
      .split(sep)
      .join('/');
    // Kimi Code keeps its own state in the role directory (its home): only what hero_team writes wakes the role.
    return isOwnedRolePath(rolePath) ? { kind: 'role', role: roleSeg, path: rolePath } : { kind: 'none' };
  }
  return { kind: 'none' };
}

/** True for '' (the role directory itself) and paths under a top-level entry hero_team may write. */
export function isOwnedRolePath(rolePath: string): boolean {
  if (rolePath === '') return true;
  const cut = rolePath.indexOf('/');
  return OWNED_TOP_LEVEL.has(cut < 0 ? rolePath : rolePath.slice(0, cut));
}

/** For the roles tree watcher: true for a path inside a role directory that hero_team never writes (kimi's state). */
export function isForeignRolePath(rolesDir: string, path: string): boolean {
  const rel = relative(rolesDir, path);
  if (!rel || rel.startsWith('..')) return false;
  const parts = rel.split(sep);
  return parts.length > 1 && ROLE_NAME_RE.test(parts[0]!) && !isOwnedRolePath(parts.slice(1).join('/'));
}
