/** Maps each watcher event to the inputs it re-reads and the roles it wakes. */
import { join } from 'node:path';
import { rolesUsingSkill } from '../desired/skill-index.ts';
import type { Logger } from '../log.ts';
import type { ObservedSnapshot } from '../observed/snapshot.ts';
import type { EchoGate } from './echo-gate.ts';
import type { EventTarget } from './event-map.ts';
import type { RegistryScope } from './registry-scope.ts';
import { reportSourceErrors, type Sources } from './sources.ts';

/** What routing an event needs: the inputs, the gate for role events, and how to wake roles. */
export interface EventRouterDeps {
  sources: Sources;
  scope: RegistryScope;
  echoes: EchoGate;
  snapshot: ObservedSnapshot;
  rolesDir: string;
  log: Logger;
  /** Queue one role (`spec`: its inputs changed, which also un-stalls it). */
  wake(role: string, spec?: boolean): void;
  /** Queue every role (`force`: also those whose spec is unchanged). */
  wakeAll(force: boolean): Promise<void>;
}

/** Route one event: re-read what it names, then wake the roles it concerns. */
export async function routeEvent(t: EventTarget, deps: EventRouterDeps): Promise<void> {
  const { sources, log, wake } = deps;
  const roles = sources.store?.roles ?? [];
  switch (t.kind) {
    case 'role':
      deps.snapshot.invalidate(join(deps.rolesDir, t.role, t.path));
      return deps.echoes.changed(t.role, t.path);
    case 'skill':
      // A skill no role whitelists is out of scope: not indexed, nothing to do (only the root's watch sees it).
      if (!deps.scope.has(t.skill)) return;
      deps.snapshot.invalidate(deps.snapshot.skillPath(t.skill));
      for (const role of rolesUsingSkill(roles, t.skill)) wake(role);
      return;
    case 'store':
      return reloadStore(deps);
    case 'services':
      if (!(await sources.loadServices())) return reportSourceErrors(sources, log);
      for (const role of roles) if (role.mcp.length) wake(role.name, true);
      return;
    case 'secrets':
      for (const role of roles) wake(role.name);
      return;
    case 'registry-root':
      await sources.scanRegistry();
      for (const role of roles) wake(role.name);
      return;
    case 'none':
      return;
  }
}

/** Re-read store.json: a valid one comes into force (scope followed, changed roles woken); an invalid one, reported. */
export async function reloadStore(deps: EventRouterDeps): Promise<void> {
  const { sources, log } = deps;
  if (!(await sources.loadStore())) return reportSourceErrors(sources, log);
  log.info({ roles: sources.store!.roles.length }, 'store reloaded');
  await deps.scope.follow(sources.rescope());
  await deps.wakeAll(false);
}
