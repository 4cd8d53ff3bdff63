/**
 * What was observed and is reused while unchanged, and the one place where that reuse is invalidated.
 *
 * Two kinds of reuse rest on watcher events, so they need telling when something changed: registry scans
 * shared between roles (ScanFreshness) and each role's last observation (RoleObservations), both only while
 * their tree's watches are complete (WatchTrust). The other caches validate themselves on every use and need no
 * invalidation: registry md5s and SKILL.md verdicts by file stamp (DigestCache), parsed manifests by stamp
 * (ManifestCache), and each role's last render while its inputs are the same objects (controllers' RenderMemo).
 * With the echo filter of controllers/, these are all the caches (docs/decisions/009-caches.md). Watchers, the
 * resync and the reconcile's own findings all come through `invalidate(path)` and `invalidateAll()`.
 */
import { join, relative, sep } from 'node:path';
import { registryEntryOf } from './registry-path.ts';
import type { RegistryState } from './registry-types.ts';
import type { RoleObservations } from './role-observations.ts';

/** The observed state shared by every reconcile of a process. */
export class ObservedSnapshot {
  constructor(
    private readonly roots: { skillsDir: string; rolesDir: string },
    readonly registry: RegistryState,
    readonly roles: RoleObservations,
  ) {}

  /** Something changed at this absolute path (a watcher event, or a source found changed under a copy). */
  invalidate(path: string): void {
    const { skillsDir, rolesDir } = this.roots;
    const skill = registryEntryOf(skillsDir, path);
    const rel = relative(rolesDir, path);
    if (path === skillsDir) this.registry.freshness.invalidateAll();
    else if (skill !== undefined) this.registry.freshness.invalidate(skill);
    else if (rel && !rel.startsWith('..')) {
      const [role, ...rest] = rel.split(sep);
      this.roles.changed(join(rolesDir, role!), rest.join('/'));
    }
  }

  /** The absolute path of a registry entry (what `invalidate` takes for a whole skill). */
  skillPath(name: string): string {
    return join(this.roots.skillsDir, name);
  }

  /** Reuse nothing: every role is observed in full and every skill rescanned by its next reader. */
  invalidateAll(): void {
    this.registry.freshness.invalidateAll();
    this.roles.forgetAll();
  }
}
