/**
 * The daemon's watches: started with registry scope changes held until they exist, how complete each tree's
 * watches are, and the trust that rests on it. While a tree is watched in full its events are trusted: registry
 * scans are shared (ScanFreshness), role observations reused (RoleObservations). A failed watch turns that off
 * for the tree, for good.
 */
import type { Scheduler } from '../clock.ts';
import type { Paths } from '../config.ts';
import type { Logger } from '../log.ts';
import type { ObservedSnapshot } from '../observed/snapshot.ts';
import type { EventTarget } from './event-map.ts';
import type { RegistryScope } from './registry-scope.ts';
import { type SourceWatchers, startSourceWatchers, type WatchedTree, type WatchState } from './source-watchers.ts';

/** What the watches need. */
export interface WatchingDeps {
  paths: Paths;
  log: Logger;
  clock: Scheduler;
  scope: RegistryScope;
  snapshot: ObservedSnapshot;
}

/** The watches' state, for the status document and metrics. */
export interface WatchReport {
  count: number;
  /** Every directory of the roles dir and the registry has its watch. */
  complete: boolean;
  trees: Partial<Record<WatchedTree, WatchState>>;
}

/** The watchers, once started, and how complete they are. */
export class Watching {
  watchers: SourceWatchers | undefined;
  /** How complete each tree's watches are (a failed watch makes a tree incomplete for good). */
  private readonly states: Partial<Record<WatchedTree, WatchState>> = {};

  constructor(private readonly deps: WatchingDeps) {}

  /** Start watching; `onTarget` gets each event. False when `stopping` came true meanwhile (they are closed again). */
  async start(onTarget: (t: EventTarget) => void, stopping: () => boolean): Promise<boolean> {
    const { paths, log, clock, scope } = this.deps;
    scope.starting();
    const onState = (tree: WatchedTree, state: WatchState) => this.onWatchState(tree, state);
    this.watchers = await startSourceWatchers(paths, log, onTarget, onState, scope.has, clock);
    if (stopping()) {
      await this.watchers.close(); // stop() ran while the watches were being set
      return false;
    }
    await scope.watching(this.watchers);
    return true;
  }

  /** Close every watch. */
  async close(): Promise<void> {
    await this.watchers?.close();
  }

  /** How many directories are watched, and whether every one that should be is. */
  report(): WatchReport {
    const complete = this.watchers !== undefined && this.states.roles === 'full' && this.states.registry === 'full';
    return { count: this.watchers?.count() ?? 0, complete, trees: { ...this.states } };
  }

  private onWatchState(tree: WatchedTree, state: WatchState): void {
    if (this.states[tree] !== 'incomplete') this.states[tree] = state;
    const trust = tree === 'registry' ? this.deps.snapshot.registry.freshness : this.deps.snapshot.roles;
    if (state === 'full') {
      trust.watchedInFull();
      return;
    }
    // Also before trust was given (a watch failing during the first walk): it must never be given then.
    if (!trust.watchesIncomplete()) return; // said already
    const what = tree === 'registry' ? 'rescans the skills it uses' : 'observes every file of its role';
    this.deps.log.warn({ tree }, `a directory is not watched: every reconcile ${what} from now on`);
  }
}
