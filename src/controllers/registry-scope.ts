/**
 * Keeps the registry watches in step with the registry scope (the skills some role whitelists): skills that
 * enter it are watched, rescanned and their roles woken; skills that leave it are unwatched. Changes made
 * while the watchers start are applied once they exist. Why only the scope: docs/decisions/004-registry-scope.md.
 */
import { rolesUsingSkill } from '../desired/skill-index.ts';
import type { Logger } from '../log.ts';
import type { ObservedSnapshot } from '../observed/snapshot.ts';
import type { SourceWatchers } from './source-watchers.ts';
import type { Sources } from './sources.ts';

/** How the scope changed. */
export interface ScopeChange {
  added: string[];
  removed: string[];
}

/** Follows scope changes with the watchers; `wake` queues a role. */
export class RegistryScope {
  private watchers: SourceWatchers | undefined;
  /** Names whose scope changed while the watchers start (set only then). */
  private pending: Set<string> | undefined;

  constructor(
    private readonly sources: Sources,
    private readonly snapshot: ObservedSnapshot,
    private readonly log: Logger,
    private readonly wake: (role: string) => void,
  ) {}

  /** Whether `name` is in scope now. */
  readonly has = (name: string): boolean => this.sources.scope.has(name);

  /** The watchers are being started: hold scope changes until `watching`. */
  starting(): void {
    this.pending = new Set();
  }

  /** The watchers exist: apply the changes held meanwhile. */
  async watching(watchers: SourceWatchers): Promise<void> {
    this.watchers = watchers;
    const changed = [...(this.pending ?? [])];
    this.pending = undefined;
    await this.follow({ added: changed.filter(this.has), removed: changed.filter((name) => !this.has(name)) });
  }

  /**
   * Watch or unwatch the trees of skills that entered or left the scope, then rescan the ones that entered
   * and wake their roles: a change made before their watch existed was seen by nobody, and a role may have
   * read them already (a concurrent store reload wakes roles before this watch is set).
   */
  async follow(change: ScopeChange): Promise<void> {
    if (!change.added.length && !change.removed.length) return;
    if (this.pending) {
      for (const name of [...change.added, ...change.removed]) this.pending.add(name);
      return;
    }
    await this.watchers?.rescopeRegistry([...change.added, ...change.removed]);
    const roles = this.sources.store?.roles ?? [];
    for (const name of change.added) {
      this.snapshot.invalidate(this.snapshot.skillPath(name));
      for (const role of rolesUsingSkill(roles, name)) this.wake(role);
    }
    this.log.debug(
      { added: change.added.length, removed: change.removed.length, scope: this.sources.scope.size },
      'registry scope changed',
    );
  }
}
